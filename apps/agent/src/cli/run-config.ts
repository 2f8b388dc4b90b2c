import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { AGENT_ID, AGENT_ID_RULE, DEFAULT_PORT_LABELS, DEFAULT_SNAPSHOT_INTERVAL_SECONDS, MAX_PORT_LABELS, MAX_SNAPSHOT_INTERVAL_SECONDS, MIN_SNAPSHOT_INTERVAL_SECONDS } from '@shakewatch/protocol';
import { DEFAULT_SYN_TIMEOUT_SECONDS } from '@shakewatch/decoder';
import { z } from 'zod';
import { parseIp } from '../aggregate/direction';
import { readPemFile, readTokenFile, type FileReading } from '../publish/token-file';
import { CliError } from './cli-error';
import { settingValue, type SettingKind } from './setting-values';

/** What `run` does, after defaults, the YAML file, the environment and the flags are merged. */
const port = z.number().int().min(1).max(65535);

export const RunConfigSchema = z
  .object({
    interfaces: z.array(z.string().min(1)).default([]),
    read: z.string().min(1).optional(),
    replaySpeed: z.enum(['max', 'recorded']).default('max'),
    filter: z.string().optional(),
    agentId: z.string().regex(AGENT_ID, AGENT_ID_RULE).default(hostname()),
    snaplen: z.number().int().min(96).max(262144).default(262144),
    bufferMiB: z.number().int().min(1).max(2048).default(32),
    promiscuous: z.boolean().default(false),
    /** Live capture: drop, below JavaScript, the bulk segments of connections the agent learned all it reports of (README: what they no longer show). */
    bypass: z.boolean().default(true),
    maxConnections: z.number().int().min(1).max(50_000_000).default(1_000_000),
    /** Connection and reassembly state, MiB (the tracker's accounting): past it, state is shed, counted. */
    memoryBudgetMiB: z.number().int().min(16).max(1_048_576).default(256),
    idleTimeoutSeconds: z.number().positive().max(86400 * 7).default(3600),
    /** A connection that is only the client's SYNs so far ends this long after the last (S0 counted minutes after, not at the idle timeout). */
    synTimeoutSeconds: z.number().positive().max(86400 * 7).default(DEFAULT_SYN_TIMEOUT_SECONDS),
    printMetrics: z.boolean().default(false),
    intervalSeconds: z.number().positive().max(MAX_SNAPSHOT_INTERVAL_SECONDS).default(DEFAULT_SNAPSHOT_INTERVAL_SECONDS),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** This host's addresses beyond its interfaces' own (a replay's host, a VIP): they decide `direction`. */
    localAddresses: z.array(z.string().refine((a) => parseIp(a) !== null, 'not an IPv4 or IPv6 address')).default([]),
    /** Server ports with their own `port` value; without a list, the first `maxPorts` that answer a handshake. */
    ports: z.array(port).max(MAX_PORT_LABELS).default([]),
    maxPorts: z.number().int().min(1).max(MAX_PORT_LABELS).default(DEFAULT_PORT_LABELS),
    hubs: z.array(z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' })).default([]),
    tokenFile: z.string().min(1).optional(),
    hubCaFile: z.string().min(1).optional(),
    hubCertFile: z.string().min(1).optional(),
    hubKeyFile: z.string().min(1).optional(),
    /** The longest wait between two attempts to reach a hub (and the wait after a refusal that will not fix itself). */
    hubRetryMaxSeconds: z.number().min(0.5).max(3600).default(30),
  })
  .strict()
  .refine((c) => !(c.read && c.interfaces.length > 0), { message: '--read and --interface are exclusive: replay a file or capture live, not both', path: ['read'] })
  .refine((c) => c.hubs.length === 0 || c.tokenFile !== undefined, { message: '--hub needs --token-file (the file holding this agent\'s token)', path: ['tokenFile'] })
  .refine((c) => c.hubs.length === 0 || c.intervalSeconds >= MIN_SNAPSHOT_INTERVAL_SECONDS, { message: `must be at least ${MIN_SNAPSHOT_INTERVAL_SECONDS} with --hub`, path: ['intervalSeconds'] })
  .refine((c) => (c.hubCertFile === undefined) === (c.hubKeyFile === undefined), { message: '--hub-cert-file and --hub-key-file go together', path: ['hubCertFile'] });

export type RunConfig = z.infer<typeof RunConfigSchema>;

/** How each setting's text is read (setting-values.ts: one rule for flags, environment and YAML). */
const KINDS: Record<keyof RunConfig, SettingKind> = {
  interfaces: 'list',
  read: 'string',
  replaySpeed: 'string',
  filter: 'string',
  agentId: 'string',
  snaplen: 'number',
  bufferMiB: 'number',
  promiscuous: 'boolean',
  bypass: 'boolean',
  maxConnections: 'number',
  memoryBudgetMiB: 'number',
  idleTimeoutSeconds: 'number',
  synTimeoutSeconds: 'number',
  printMetrics: 'boolean',
  intervalSeconds: 'number',
  logLevel: 'string',
  localAddresses: 'list',
  ports: 'numberList',
  maxPorts: 'number',
  hubs: 'list',
  tokenFile: 'string',
  hubCaFile: 'string',
  hubCertFile: 'string',
  hubKeyFile: 'string',
  hubRetryMaxSeconds: 'number',
};

/** SHAKEWATCH_AGENT_* variables and the keys they set. */
const ENV: Record<string, keyof RunConfig> = {
  SHAKEWATCH_AGENT_INTERFACES: 'interfaces',
  SHAKEWATCH_AGENT_READ: 'read',
  SHAKEWATCH_AGENT_REPLAY_SPEED: 'replaySpeed',
  SHAKEWATCH_AGENT_FILTER: 'filter',
  SHAKEWATCH_AGENT_ID: 'agentId',
  SHAKEWATCH_AGENT_SNAPLEN: 'snaplen',
  SHAKEWATCH_AGENT_BUFFER_MIB: 'bufferMiB',
  SHAKEWATCH_AGENT_PROMISCUOUS: 'promiscuous',
  SHAKEWATCH_AGENT_BYPASS: 'bypass',
  SHAKEWATCH_AGENT_MAX_CONNECTIONS: 'maxConnections',
  SHAKEWATCH_AGENT_MEMORY_BUDGET_MIB: 'memoryBudgetMiB',
  SHAKEWATCH_AGENT_IDLE_TIMEOUT_SECONDS: 'idleTimeoutSeconds',
  SHAKEWATCH_AGENT_SYN_TIMEOUT_SECONDS: 'synTimeoutSeconds',
  SHAKEWATCH_AGENT_INTERVAL_SECONDS: 'intervalSeconds',
  SHAKEWATCH_AGENT_LOG_LEVEL: 'logLevel',
  SHAKEWATCH_AGENT_PRINT_METRICS: 'printMetrics',
  SHAKEWATCH_AGENT_LOCAL_ADDRESSES: 'localAddresses',
  SHAKEWATCH_AGENT_PORTS: 'ports',
  SHAKEWATCH_AGENT_MAX_PORTS: 'maxPorts',
  SHAKEWATCH_AGENT_HUBS: 'hubs',
  SHAKEWATCH_AGENT_TOKEN_FILE: 'tokenFile',
  SHAKEWATCH_AGENT_HUB_CA_FILE: 'hubCaFile',
  SHAKEWATCH_AGENT_HUB_CERT_FILE: 'hubCertFile',
  SHAKEWATCH_AGENT_HUB_KEY_FILE: 'hubKeyFile',
  SHAKEWATCH_AGENT_HUB_RETRY_MAX_SECONDS: 'hubRetryMaxSeconds',
};

/** Flags whose name is not the setting's in kebab case. */
const FLAG_NAMES: Partial<Record<keyof RunConfig, string>> = { interfaces: '--interface', bufferMiB: '--buffer-mib', memoryBudgetMiB: '--memory-budget-mib', hubs: '--hub', localAddresses: '--local-address' };
const flagName = (key: string): string => FLAG_NAMES[key as keyof RunConfig] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Each known setting's raw value read by its kind; unknown keys are passed on for the schema to refuse. */
function readSettings(raw: Record<string, unknown>, where: (key: string) => string, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const kind = KINDS[key as keyof RunConfig];
    if (kind === undefined) out[key] = v;
    else {
      const value = settingValue(v, kind, where(key), problems);
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}

function fromEnv(env: NodeJS.ProcessEnv, problems: string[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  for (const [name, v] of Object.entries(env)) {
    if (!name.startsWith('SHAKEWATCH_AGENT_')) continue;
    const key = ENV[name];
    if (key === undefined) problems.push(`${name}: not a setting (see the README for the SHAKEWATCH_AGENT_* variables)`);
    else if (v !== undefined && v !== '') {
      raw[key] = v;
      names[key] = name;
    }
  }
  return readSettings(raw, (key) => names[key], problems);
}

/** A config file holds a few settings: more than this is not one (`--config /dev/zero`). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** The file's text, at most MAX_CONFIG_FILE_BYTES; read without blocking on a FIFO nobody writes. */
function readConfigText(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    const buf = Buffer.alloc(MAX_CONFIG_FILE_BYTES + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_CONFIG_FILE_BYTES) throw new CliError(`config file ${path} is larger than ${MAX_CONFIG_FILE_BYTES / 1024 / 1024} MiB: not a settings file`, 2);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

function fromYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readConfigText(path);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`, 2);
  }
  let doc: unknown;
  try {
    // Every scalar a string: numbers and booleans are read by the same rule as flags and variables.
    doc = parseYaml(text, { schema: 'failsafe' });
  } catch (e) {
    throw new CliError(`config file ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, 2);
  }
  if (doc === null || doc === undefined || doc === '') return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new CliError(`config file ${path} must hold a mapping of settings`, 2);
  return doc as Record<string, unknown>;
}

/** What the hub connection needs from files: the token, and the optional CA and client certificate. */
export interface HubAuth {
  token: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export type LoadedRunConfig = RunConfig & { hubAuth: HubAuth | null };

/** Merge defaults < YAML file < environment < flags, validate, read the hub's files, and list every problem at once. */
export function loadRunConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): LoadedRunConfig {
  const { config, ...rest } = flags;
  const definedFlags = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const problems: string[] = [];
  const yamlFile = typeof config === 'string' ? config : undefined;
  const merged: Record<string, unknown> = {
    ...(yamlFile !== undefined ? readSettings(fromYaml(yamlFile), (key) => `${key} (in ${yamlFile})`, problems) : {}),
    ...fromEnv(env, problems),
    ...readSettings(definedFlags, flagName, problems),
  };
  const result = RunConfigSchema.safeParse(merged);
  if (!result.success) problems.push(...result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  // The files are read whatever else is wrong, so one run lists every problem.
  const files: Partial<Record<keyof HubAuth, FileReading<string | Buffer>>> = {};
  const file = (key: string): string | undefined => (typeof merged[key] === 'string' && merged[key] !== '' ? (merged[key] as string) : undefined);
  const tokenPath = file('tokenFile');
  if (tokenPath !== undefined) files.token = readTokenFile(tokenPath);
  for (const [auth, key] of [['ca', 'hubCaFile'], ['cert', 'hubCertFile'], ['key', 'hubKeyFile']] as const) {
    const path = file(key);
    if (path !== undefined) files[auth] = readPemFile(path);
  }
  const keyOf: Record<keyof HubAuth, string> = { token: 'tokenFile', ca: 'hubCaFile', cert: 'hubCertFile', key: 'hubKeyFile' };
  for (const [auth, reading] of Object.entries(files) as [keyof HubAuth, FileReading<string | Buffer>][]) {
    if (!reading.ok) problems.push(`${keyOf[auth]}: ${reading.problem}`);
  }
  if (!result.success || problems.length > 0) {
    throw new CliError(`invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`, 2);
  }
  const value = <T>(r: FileReading<T> | undefined): T | undefined => (r?.ok ? r.value : undefined);
  const hubAuth: HubAuth | null = result.data.hubs.length === 0 ? null : {
    token: value(files.token as FileReading<string>) as string,
    ca: value(files.ca as FileReading<Buffer> | undefined),
    cert: value(files.cert as FileReading<Buffer> | undefined),
    key: value(files.key as FileReading<Buffer> | undefined),
  };
  return { ...result.data, hubAuth };
}
