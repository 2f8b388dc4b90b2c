/** LINKTYPE_* values (tcpdump.org/linktypes.html) that the decoder understands. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  RAW_OPENBSD: 12, // DLT_RAW on some BSDs, seen in old files
  RAW_BSDOS: 14,
  PPP_HDLC: 50,
  RAW: 101,
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  IEEE802_11_RADIOTAP: 127,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

export const LINK_TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(LinkType).map(([k, v]) => [v, k]),
);
