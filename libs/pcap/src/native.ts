// Finds and loads the compiled binding (build/Release/shakewatch_pcap.node), once, on first
// use: importing @shakewatch/pcap costs nothing on a machine where it was never built.
//
// The library runs from three places, so the .node file is looked for in each way:
// - its sources (ts-jest): ../build/Release beside src/;
// - bundled into dist/apps/<app>/main.js by tools/build.mjs: through the npm workspace
//   symlink node_modules/@shakewatch/pcap -> libs/pcap, or by walking up to the repository
//   root and into libs/pcap;
// - anywhere, when SHAKEWATCH_PCAP_ADDON names the file.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NativeDevice {
  name: string;
  description?: string;
  /** IPv4 and IPv6 addresses, as text. */
  addresses: string[];
  loopback: boolean;
  up: boolean;
  running: boolean;
}

export interface NativeOpenOptions {
  device: string;
  snaplen: number;
  bufferSize?: number;
  promiscuous: boolean;
  immediate: boolean;
  timeoutMs?: number;
  nanosecond: boolean;
  filter?: string;
}

/** The reused buffer and per-packet arrays the addon fills (PacketBatch adds the count). */
export interface NativeBatchArrays {
  data: Buffer;
  offsets: Uint32Array;
  capturedLengths: Uint32Array;
  originalLengths: Uint32Array;
  /** Whole seconds since the epoch. */
  timestampSeconds: Float64Array;
  /** Nanoseconds within the second (multiples of 1000 when timestampPrecision is 'micro'). */
  timestampNanoseconds: Uint32Array;
}

/** libpcap's counters (pcap_stats), as the addon returns them. */
export interface NativeStats {
  /** Packets that passed the filter, including those dropped (Linux: PACKET_STATISTICS). */
  received: number;
  /** Dropped because the capture buffer was full. */
  dropped: number;
  /** Dropped by the interface or its driver (not available for every device). */
  interfaceDropped: number;
}

/** The bypass table's counters (bypass_table.h), cumulative but `entries`. */
export interface NativeBypassStats {
  /** Connections in the table now, and the most it holds. */
  entries: number;
  capacity: number;
  /** Connections put in; adds of one already in; adds refused because the table was full (not bypassed). */
  added: number;
  alreadyIn: number;
  full: number;
  /** Packets that found their connection in the table: bypassedPackets + passedFlags + passedRefresh. */
  hits: number;
  /** Segments counted and dropped before JavaScript, and their frame bytes on the wire. */
  bypassedPackets: number;
  bypassedBytes: number;
  /** Segments with SYN, FIN or RST of a connection in the table: passed up, the connection out of it. */
  passedFlags: number;
  /** Segments passed up anyway, one every refresh interval per connection (keeps the tracker's clock). */
  passedRefresh: number;
  /** Frames the header peek could not read (another link type, a tunnel, a fragment, a cut header...): passed up untouched. */
  notUnderstood: number;
  /** Connections out of the table after the idle time without a packet; taken out by the agent. */
  expired: number;
  removed: number;
  /** Adds refused because a SYN, FIN or RST of the connection was already let through, not yet read (LiveCapture.addBypass). */
  late: number;
}

export interface NativeBypassTable {
  add(ipVersion: 4 | 6, addressA: Uint8Array, portA: number, addressB: Uint8Array, portB: number): 0 | 1 | 2;
  remove(ipVersion: 4 | 6, addressA: Uint8Array, portA: number, addressB: Uint8Array, portB: number): boolean;
  stats(): NativeBypassStats;
  filter(linkType: number, frame: Uint8Array, wireLength: number, seconds: number, nanoseconds: number): boolean;
  advanceTo(seconds: number, nanoseconds: number): void;
}

/** What the header peek reads of a frame (test entry point). */
export interface NativeHeaderPeek {
  ipVersion: 4 | 6;
  src: Buffer;
  dst: Buffer;
  srcPort: number;
  dstPort: number;
  /** TCP flags as the decoder's TcpFlag: byte 13, and the AE bit of byte 12 as 0x100. */
  flags: number;
  payloadLength: number;
}

export interface NativeCapture {
  readonly linkType: number;
  readonly snapshotLength: number;
  readonly timestampPrecision: 'nano' | 'micro';
  readonly warning?: string;
  start(batch: NativeBatchArrays, onBatch: (count: number) => void): void;
  stats(): NativeStats;
  setFilter(filter: string): void;
  close(): void;
  setRef(ref: boolean): void;
  setBypass(table: NativeBypassTable | null): void;
  addBypass(index: number, ipVersion: 4 | 6, addressA: Uint8Array, portA: number, addressB: Uint8Array, portB: number): 0 | 1 | 2 | 3;
}

export interface NativeBinding {
  listDevices(): NativeDevice[];
  libVersion(): string;
  NativeCapture: new (options: NativeOpenOptions) => NativeCapture;
  NativeBypassTable: new (options: { maxEntries: number; idleMs: number; refreshMs: number }) => NativeBypassTable;
  peekHeader(linkType: number, frame: Uint8Array): NativeHeaderPeek | null;
}

const ADDON = join('build', 'Release', 'shakewatch_pcap.node');

/** Where the binding is looked for, in order. */
export function addonCandidates(): string[] {
  const found: string[] = [];
  if (process.env.SHAKEWATCH_PCAP_ADDON) found.push(process.env.SHAKEWATCH_PCAP_ADDON);
  found.push(join(__dirname, '..', ADDON));
  try {
    // The package's own installed location (the workspace symlink), not an import of it.
    // eslint-disable-next-line @nx/enforce-module-boundaries
    found.push(join(dirname(require.resolve('@shakewatch/pcap/package.json')), ADDON));
  } catch {
    // not installed as a workspace package: the other places remain
  }
  for (let dir = __dirname; ; dir = dirname(dir)) {
    found.push(join(dir, 'libs', 'pcap', ADDON));
    if (dirname(dir) === dir) break;
  }
  return [...new Set(found)];
}

let binding: NativeBinding | undefined;

export function loadBinding(): NativeBinding {
  if (binding) return binding;
  const candidates = addonCandidates();
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    const err = new Error(
      'the libpcap binding is not built (no libs/pcap/build/Release/shakewatch_pcap.node): run `npm install` ' +
        'at the repository root (needs libpcap-dev, g++, make, python3: bash scripts/install-system-deps.sh), ' +
        'or `node libs/pcap/tools/build-addon.js`',
    ) as Error & { code: string };
    err.code = 'ENOBINDING';
    throw err;
  }
  const mod = { exports: {} as NativeBinding };
  process.dlopen(mod, file);
  binding = mod.exports;
  return binding;
}
