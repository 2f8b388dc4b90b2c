import { hostname } from 'node:os';
import { HelloSchema, PROTOCOL_VERSION, describeSchemaError, type Hello } from '@shakewatch/protocol';
// The workspace's version is the agent's; esbuild inlines it into the bundle.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { version } from '../../../../package.json';
import { CliError } from '../cli/cli-error';

export const AGENT_VERSION: string = version;

export interface HelloCapture {
  source: 'live' | 'file';
  interfaces: string[];
  file?: string;
  filter?: string;
  snaplen?: number;
  promiscuous?: boolean;
}

/** Text fields of the hello are capped at 256 characters: a long path keeps its end, a long filter its start. */
const lastChars = (s: string, n = 256) => (s.length > n ? s.slice(s.length - n) : s);

/** The host name as the protocol allows it (letters, digits, `.`, `_`, `-`). */
export function helloHostname(name = hostname()): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 253);
  return s.length > 0 ? s : 'unknown';
}

/** The hello every connection to a hub starts with: who this agent is, which boot, what it captures. */
export function buildHello(o: { agentId: string; bootId: string; startedAt: number; intervalSeconds: number; capture: HelloCapture }): Hello {
  const capture: Hello['capture'] = { source: o.capture.source, interfaces: o.capture.interfaces.slice(0, 64).map((i) => i.slice(0, 256)) };
  if (o.capture.file !== undefined) capture.file = lastChars(o.capture.file);
  if (o.capture.filter !== undefined) capture.filter = o.capture.filter.slice(0, 256);
  if (o.capture.snaplen !== undefined) capture.snaplen = o.capture.snaplen;
  if (o.capture.promiscuous !== undefined) capture.promiscuous = o.capture.promiscuous;
  const hello: Hello = {
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    agentId: o.agentId,
    agentVersion: AGENT_VERSION,
    hostname: helloHostname(),
    bootId: o.bootId,
    startedAt: o.startedAt,
    intervalSeconds: o.intervalSeconds,
    capture,
  };
  const checked = HelloSchema.safeParse(hello);
  if (!checked.success) throw new CliError(`cannot describe this agent to a hub: ${describeSchemaError(checked.error)}`, 2);
  return hello;
}
