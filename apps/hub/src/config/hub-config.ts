import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DEFAULT_LIMITS, HUB_ID } from '@shakewatch/protocol';
import { z } from 'zod';
import { loadTokensFile, type TokenEntry } from '../auth/tokens-file';
import { HubConfigError } from './hub-config-error';

/** The hub's settings: environment variables only (a service unit sets them), validated once at start. */
export const HUB_ENV = {
  SHAKEWATCH_HUB_PORT: { def: '9464', help: 'port for /metrics, /healthz, /readyz and the agents\' WebSocket (0: any free port)' },
  SHAKEWATCH_HUB_HOST: { def: '0.0.0.0', help: 'address to listen on' },
  SHAKEWATCH_HUB_TOKENS_FILE: { def: undefined, help: 'required: token hashes and the agent ids each may speak for (sha256:<hex> <pattern>[,<pattern>...] a line)' },
  SHAKEWATCH_HUB_TLS_CERT_FILE: { def: undefined, help: 'PEM certificate (chain): serve https and wss (with _KEY_FILE)' },
  SHAKEWATCH_HUB_TLS_KEY_FILE: { def: undefined, help: 'PEM private key of that certificate' },
  SHAKEWATCH_HUB_TLS_CLIENT_CA_FILE: { def: undefined, help: 'PEM CA bundle: require client certificates signed by it' },
  SHAKEWATCH_HUB_MAX_MESSAGE_BYTES: { def: String(DEFAULT_LIMITS.maxMessageBytes), help: 'largest agent message; bigger ones close the connection (1009)' },
  SHAKEWATCH_HUB_MESSAGE_BURST: { def: String(DEFAULT_LIMITS.messageBurst), help: 'messages an agent may send at once (token bucket size)' },
  SHAKEWATCH_HUB_MESSAGES_PER_SECOND: { def: String(DEFAULT_LIMITS.messagesPerSecond), help: 'sustained messages per second per agent' },
  SHAKEWATCH_HUB_MAX_SERIES_PER_AGENT: { def: String(DEFAULT_LIMITS.maxSeriesPerAgent), help: 'series in one snapshot' },
  SHAKEWATCH_HUB_MAX_AGENTS: { def: String(DEFAULT_LIMITS.maxAgents), help: 'agents remembered at once (connected, or gone less than the TTL ago)' },
  SHAKEWATCH_HUB_HELLO_TIMEOUT_SECONDS: { def: String(DEFAULT_LIMITS.helloTimeoutSeconds), help: 'time a new connection has to say hello' },
  SHAKEWATCH_HUB_GRACE_SECONDS: { def: '15', help: 'how long a cleanly stopped agent\'s final series stay' },
  SHAKEWATCH_HUB_HANDOVER_SECONDS: { def: '25', help: 'an agent that moved here from another hub stays hidden this long after it left that hub: at least Prometheus\'s scrape_interval + scrape_timeout for the hubs' },
  SHAKEWATCH_HUB_AGENT_TTL_SECONDS: { def: '3600', help: 'how long up, last-seen and info stay after an agent left' },
  SHAKEWATCH_HUB_HEARTBEAT_SECONDS: { def: '10', help: 'WebSocket ping interval; no pong by the next ping closes the connection' },
  SHAKEWATCH_HUB_ID: { def: 'hostname:port', help: 'this hub\'s name in welcome messages' },
  SHAKEWATCH_HUB_LOG_LEVEL: { def: 'info', help: 'fatal, error, warn, info, debug, trace or silent' },
} as const;

type EnvName = keyof typeof HUB_ENV;

const whole = (min: number, max: number) => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const seconds = (min: number, max: number) => z.coerce.number({ error: 'must be a number' }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const file = z.string().min(1, 'must name a file');

const EnvSchema = z.strictObject({
  SHAKEWATCH_HUB_PORT: whole(0, 65535),
  SHAKEWATCH_HUB_HOST: z.string().min(1),
  SHAKEWATCH_HUB_TOKENS_FILE: z.string({ error: 'required (the file of token hashes)' }).min(1, 'required (the file of token hashes)'),
  SHAKEWATCH_HUB_TLS_CERT_FILE: file.optional(),
  SHAKEWATCH_HUB_TLS_KEY_FILE: file.optional(),
  SHAKEWATCH_HUB_TLS_CLIENT_CA_FILE: file.optional(),
  SHAKEWATCH_HUB_MAX_MESSAGE_BYTES: whole(1024, 64 * 1024 * 1024),
  SHAKEWATCH_HUB_MESSAGE_BURST: whole(1, 1_000_000),
  SHAKEWATCH_HUB_MESSAGES_PER_SECOND: seconds(0.001, 1_000_000),
  SHAKEWATCH_HUB_MAX_SERIES_PER_AGENT: whole(1, 10_000_000),
  SHAKEWATCH_HUB_MAX_AGENTS: whole(1, 1_000_000),
  SHAKEWATCH_HUB_HELLO_TIMEOUT_SECONDS: seconds(0.1, 3600),
  SHAKEWATCH_HUB_GRACE_SECONDS: seconds(0, 86400),
  SHAKEWATCH_HUB_HANDOVER_SECONDS: seconds(0, 3600),
  SHAKEWATCH_HUB_AGENT_TTL_SECONDS: seconds(1, 86400 * 30),
  SHAKEWATCH_HUB_HEARTBEAT_SECONDS: seconds(0.1, 3600),
  SHAKEWATCH_HUB_ID: z.string().regex(HUB_ID, 'letters, digits and . _ : - only (1-128 characters)').optional(),
  SHAKEWATCH_HUB_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

export interface HubTls {
  cert: Buffer;
  key: Buffer;
  /** Set: client certificates are required and verified against it. */
  clientCa?: Buffer;
}

export interface HubConfig {
  port: number;
  host: string;
  tokensFile: string;
  /** The tokens as read at start (re-read on SIGHUP by TokensStore). */
  tokens: TokenEntry[];
  tls?: HubTls;
  limits: {
    maxMessageBytes: number;
    messageBurst: number;
    messagesPerSecond: number;
    maxSeriesPerAgent: number;
    maxAgents: number;
    helloTimeoutSeconds: number;
  };
  graceSeconds: number;
  handoverSeconds: number;
  agentTtlSeconds: number;
  heartbeatSeconds: number;
  /** Undefined: `hostname:port`, known once listening. */
  hubId?: string;
  logLevel: string;
}

/** The hub's id once the real port is known. */
export function resolveHubId(config: HubConfig, port: number): string {
  return config.hubId ?? `${hostname().replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 100)}:${port}`;
}

function readPem(name: EnvName, path: string | undefined, problems: string[]): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    const b = readFileSync(path);
    if (!b.includes('-----BEGIN ')) problems.push(`${name}: ${path} is not a PEM file`);
    return b;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push(`${name}: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    return undefined;
  }
}

/**
 * Validate the environment, read the tokens file and TLS files, and list every problem at
 * once (one HubConfigError, exit code 2) so an operator fixes them in one round.
 */
export function loadHubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const raw: Record<string, string | undefined> = {};
  for (const [name, { def }] of Object.entries(HUB_ENV)) {
    const v = env[name];
    raw[name] = v !== undefined && v !== '' ? v : name === 'SHAKEWATCH_HUB_ID' ? undefined : def;
  }
  const problems: string[] = [];
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) for (const i of parsed.error.issues) problems.push(`${i.path.join('.') || 'environment'}: ${i.message}`);

  const e = parsed.success ? parsed.data : undefined;
  const certFile = raw.SHAKEWATCH_HUB_TLS_CERT_FILE;
  const keyFile = raw.SHAKEWATCH_HUB_TLS_KEY_FILE;
  const caFile = raw.SHAKEWATCH_HUB_TLS_CLIENT_CA_FILE;
  if ((certFile === undefined) !== (keyFile === undefined)) problems.push('SHAKEWATCH_HUB_TLS_CERT_FILE and SHAKEWATCH_HUB_TLS_KEY_FILE: set both or neither');
  if (caFile !== undefined && certFile === undefined) problems.push('SHAKEWATCH_HUB_TLS_CLIENT_CA_FILE: client certificates need TLS (set SHAKEWATCH_HUB_TLS_CERT_FILE and _KEY_FILE)');
  const cert = readPem('SHAKEWATCH_HUB_TLS_CERT_FILE', certFile, problems);
  const key = readPem('SHAKEWATCH_HUB_TLS_KEY_FILE', keyFile, problems);
  const clientCa = readPem('SHAKEWATCH_HUB_TLS_CLIENT_CA_FILE', caFile, problems);

  let tokens: TokenEntry[] = [];
  const tokensFile = raw.SHAKEWATCH_HUB_TOKENS_FILE;
  if (tokensFile) {
    try {
      tokens = loadTokensFile(tokensFile);
    } catch (err) {
      problems.push(`SHAKEWATCH_HUB_TOKENS_FILE: ${(err as Error).message}`);
    }
  }

  if (problems.length > 0 || !e) {
    throw new HubConfigError(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`);
  }
  return {
    port: e.SHAKEWATCH_HUB_PORT,
    host: e.SHAKEWATCH_HUB_HOST,
    tokensFile: e.SHAKEWATCH_HUB_TOKENS_FILE,
    tokens,
    tls: cert && key ? { cert, key, clientCa } : undefined,
    limits: {
      maxMessageBytes: e.SHAKEWATCH_HUB_MAX_MESSAGE_BYTES,
      messageBurst: e.SHAKEWATCH_HUB_MESSAGE_BURST,
      messagesPerSecond: e.SHAKEWATCH_HUB_MESSAGES_PER_SECOND,
      maxSeriesPerAgent: e.SHAKEWATCH_HUB_MAX_SERIES_PER_AGENT,
      maxAgents: e.SHAKEWATCH_HUB_MAX_AGENTS,
      helloTimeoutSeconds: e.SHAKEWATCH_HUB_HELLO_TIMEOUT_SECONDS,
    },
    graceSeconds: e.SHAKEWATCH_HUB_GRACE_SECONDS,
    handoverSeconds: e.SHAKEWATCH_HUB_HANDOVER_SECONDS,
    agentTtlSeconds: e.SHAKEWATCH_HUB_AGENT_TTL_SECONDS,
    heartbeatSeconds: e.SHAKEWATCH_HUB_HEARTBEAT_SECONDS,
    hubId: e.SHAKEWATCH_HUB_ID,
    logLevel: e.SHAKEWATCH_HUB_LOG_LEVEL,
  };
}

/** `--help` text: every variable, its default and what it does. */
export function describeHubEnv(): string {
  const width = Math.max(...Object.keys(HUB_ENV).map((k) => k.length));
  return Object.entries(HUB_ENV).map(([k, { def, help }]) => `  ${k.padEnd(width)}  ${help}${def !== undefined ? ` (default ${def})` : ''}`).join('\n');
}
