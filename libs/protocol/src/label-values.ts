/**
 * Label values: the closed sets the agent may send, and the shape of the open ones that
 * come from the wire (cipher names, alert descriptions...). A hub refuses a snapshot with
 * any other value, so nothing a client sends reaches /metrics unchecked.
 */
export const DIRECTIONS = ['inbound', 'outbound', 'unknown'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Zeek's conn_state codes. */
export const CONN_STATES = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'] as const;
export const RESET_SENDERS = ['client', 'server'] as const;
export const RESET_PHASES = ['handshake', 'established', 'closing'] as const;
export const ALERT_LEVELS = ['warning', 'fatal', 'encrypted', 'other'] as const;
export const DROP_PLACES = ['kernel', 'interface'] as const;
/** What the agent let go to stay within its memory budget: out-of-order bytes, half-open connections (their share full), connections. */
export const SHED_STATES = ['out_of_order', 'half_open', 'connection'] as const;
/**
 * The live capture's flow bypass table (libs/pcap): connections added, refused (the table
 * full; or late: a SYN, FIN or RST of it already let through, unread), and how they left it
 * (at a SYN, FIN or RST; idle; ended by the agent).
 */
export const BYPASS_TABLE_EVENTS = ['added', 'full', 'late', 'left_on_flags', 'left_idle', 'left_by_agent'] as const;
/**
 * What the bypass did with a packet it looked at: dropped below JavaScript (a bypassed
 * connection's segment without SYN, FIN or RST), passed up (its SYN, FIN or RST; one
 * segment per refresh interval), or passed up untouched because the header peek did not
 * read it.
 */
export const BYPASS_PACKET_RESULTS = ['bypassed', 'passed_flags', 'passed_refresh', 'not_understood'] as const;
/** Labels whose values are capped on the agent (the fold counter's `label` values). */
export const FOLDED_LABELS = ['cipher', 'version', 'description', 'port'] as const;

/** The value every capped label folds into once its cap is reached. */
export const OTHER = 'other';

/** Caps on label values that come from the wire or from traffic: first come, then `other`. */
export const LABEL_CAPS = { cipher: 64, version: 16, description: 48 } as const;
/** Server ports with a series of their own, by default and at most. */
export const DEFAULT_PORT_LABELS = 16;
export const MAX_PORT_LABELS = 64;

/** Cipher suite names, versions, alert descriptions: IANA-style names or hex code points. */
export const OPEN_LABEL_VALUE = /^[A-Za-z0-9_.:+\-/() ]{1,80}$/;
/** A server port (1-65535) or `other`. */
export const PORT_LABEL_VALUE = /^(?:[1-9][0-9]{0,4}|other)$/;
/** Packet skip reasons and similar codes. */
export const CODE_LABEL_VALUE = /^[a-z0-9_]{1,48}$/;

/** Agent ids: what a host name or an operator's name for it looks like; safe as a label value. */
export const AGENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const AGENT_ID_RULE = 'letters, digits and . _ : - only (1-128 characters)';
