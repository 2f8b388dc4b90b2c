import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CliError } from '../cli/cli-error';

/** What `run` does, after defaults, the YAML file, the environment and the flags are merged. */
export const RunConfigSchema = z
  .object({
    interfaces: z.array(z.string().min(1)).default([]),
    read: z.string().min(1).optional(),
    replaySpeed: z.enum(['max', 'recorded']).default('max'),
    filter: z.string().optional(),
    agentId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits and . _ : - only (1-128 characters)').default(hostname()),
    snaplen: z.number().int().min(96).max(262144).default(262144),
    bufferMiB: z.number().int().min(1).max(2048).default(32),
    promiscuous: z.boolean().default(false),
    maxConnections: z.number().int().min(1).max(50_000_000).default(1_000_000),
    idleTimeoutSeconds: z.number().positive().max(86400 * 7).default(3600),
    printMetrics: z.boolean().default(false),
    intervalSeconds: z.number().positive().max(3600).default(10),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()
  .refine((c) => !(c.read && c.interfaces.length > 0), { message: '--read and --interface are exclusive: replay a file or capture live, not both', path: ['read'] });

export type RunConfig = z.infer<typeof RunConfigSchema>;

/** SHAKEWATCH_AGENT_* variables and the keys they set. */
const ENV: Record<string, [keyof RunConfig, 'string' | 'list' | 'number' | 'boolean']> = {
  SHAKEWATCH_AGENT_INTERFACES: ['interfaces', 'list'],
  SHAKEWATCH_AGENT_READ: ['read', 'string'],
  SHAKEWATCH_AGENT_REPLAY_SPEED: ['replaySpeed', 'string'],
  SHAKEWATCH_AGENT_FILTER: ['filter', 'string'],
  SHAKEWATCH_AGENT_ID: ['agentId', 'string'],
  SHAKEWATCH_AGENT_SNAPLEN: ['snaplen', 'number'],
  SHAKEWATCH_AGENT_BUFFER_MIB: ['bufferMiB', 'number'],
  SHAKEWATCH_AGENT_PROMISCUOUS: ['promiscuous', 'boolean'],
  SHAKEWATCH_AGENT_MAX_CONNECTIONS: ['maxConnections', 'number'],
  SHAKEWATCH_AGENT_IDLE_TIMEOUT_SECONDS: ['idleTimeoutSeconds', 'number'],
  SHAKEWATCH_AGENT_INTERVAL_SECONDS: ['intervalSeconds', 'number'],
  SHAKEWATCH_AGENT_LOG_LEVEL: ['logLevel', 'string'],
};

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, [key, type]] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    out[key] = type === 'list' ? v.split(',').map((s) => s.trim()).filter(Boolean)
      : type === 'number' ? Number(v)
      : type === 'boolean' ? /^(1|true|yes|on)$/i.test(v)
      : v;
  }
  return out;
}

function fromYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new CliError(`config file ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new CliError(`config file ${path} must hold a mapping of settings`);
  return doc as Record<string, unknown>;
}

/** Merge defaults < YAML file < environment < flags, validate, and list every problem at once. */
export function loadRunConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): RunConfig {
  const { config, ...rest } = flags;
  const definedFlags = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const merged = { ...(typeof config === 'string' ? fromYaml(config) : {}), ...fromEnv(env), ...definedFlags };
  const result = RunConfigSchema.safeParse(merged);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
  throw new CliError(`invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`, 2);
}
