// @shakewatch/pcap: live capture through our own Node-API binding over libpcap (the only
// code in the project that touches libpcap). See DESIGN.md, "Capture layer".
//
//   const capture = openLive({ device: 'eth0', filter: 'tcp' });
//   capture.onBatch((b) => {
//     for (let i = 0; i < b.count; i++) {
//       const frame = b.data.subarray(b.offsets[i], b.offsets[i] + b.capturedLengths[i]);
//       // b.timestampSeconds[i], b.timestampNanoseconds[i]: libpcap's (the kernel's) timestamp
//     }
//   });
//   ...
//   capture.stats(); // { received, dropped, interfaceDropped }
//   capture.close();
//
// Flow bypass: a BypassTable given to captures (setBypass) drops, in C and before any
// JavaScript call, the segments without SYN, FIN or RST of the connections added to it:
//
//   const bypass = new BypassTable({ maxConnections: 65536 });
//   capture.setBypass(bypass);
//   // in the batch listener, reading packet i: nothing left to learn from its connection
//   capture.addBypass(i, 4, clientAddress, clientPort, serverAddress, serverPort);
//   bypass.stats(); // { entries, hits, bypassedPackets, bypassedBytes, full, notUnderstood, ... }
import { PcapError, translateError, type PcapErrorCode } from './errors';
import {
  loadBinding, type NativeBatchArrays, type NativeBypassStats, type NativeBypassTable, type NativeCapture, type NativeDevice, type NativeHeaderPeek, type NativeStats,
} from './native';

export { PcapError, type PcapErrorCode };

/** A device as the addon lists it (pcap_findalldevs), passed on as it is. */
export type CaptureDevice = NativeDevice;

export interface OpenLiveOptions {
  /** Interface name, or 'any' (Linux cooked capture of every interface). */
  device: string;
  /** BPF filter expression (tcpdump syntax). */
  filter?: string;
  /** Bytes kept of each packet; default 262144 (everything). */
  snaplen?: number;
  /**
   * Kernel capture buffer (the packet ring) in bytes; default 32 MiB. In immediate mode
   * libpcap uses fixed-size ring frames as large as the snapshot length allows (MTU-sized
   * without NIC offloads; loopback's are 64 KiB): libpcap's own 2 MiB default holds as few
   * as 8 to 32 packets, and a busy event loop would drop bursts.
   */
  bufferSize?: number;
  /** Default false. */
  promiscuous?: boolean;
  /** Deliver packets as they arrive rather than when a kernel buffer block fills; default true. */
  immediate?: boolean;
  /** libpcap read timeout (matters only without immediate mode); default 100 ms then. */
  timeoutMs?: number;
  /** Nanosecond timestamps where the platform has them (else microseconds); default true. */
  nanosecond?: boolean;
  /** Capacity of the reused batch buffer in bytes (at least the snapshot length); default 4 MiB. */
  batchBytes?: number;
  /** Most packets per batch; default 8192. */
  batchPackets?: number;
}

/**
 * Packets handed over together: `count` packets, the i-th one's bytes at
 * `data[offsets[i] .. offsets[i] + capturedLengths[i])`. The buffer and the arrays are
 * reused for the next batch: they are valid only during the callback (copy what you keep).
 */
export interface PacketBatch extends NativeBatchArrays {
  count: number;
}

/** libpcap's counters (pcap_stats) for one capture, passed on as the addon gives them. */
export type CaptureStats = NativeStats;

export type BatchListener = (batch: PacketBatch) => void;

/** The bypass table's counters, as the addon gives them (see NativeBypassStats). */
export type BypassStats = NativeBypassStats;

/** What the header peek reads of a frame (test entry point: `peekHeader`). */
export type HeaderPeek = NativeHeaderPeek;

export interface BypassTableOptions {
  /** Most connections in the table; a full table refuses more (counted in `full`). Default 65536 (about 8 MiB). */
  maxConnections?: number;
  /** A connection without a packet this long (packet time) leaves the table; default 3600 s. */
  idleTimeoutMs?: number;
  /** One segment per connection passed up at least this often (keeps the connection alive to the agent); default 60 s. */
  refreshMs?: number;
}

export const DEFAULT_BYPASS_CONNECTIONS = 65536;
const DEFAULT_BYPASS_IDLE_MS = 3_600_000;
const DEFAULT_BYPASS_REFRESH_MS = 60_000;

const DEFAULT_SNAPLEN = 262144;
const DEFAULT_BATCH_BYTES = 4 << 20;
const DEFAULT_BATCH_PACKETS = 8192;
const DEFAULT_TIMEOUT_MS = 100;
const DEFAULT_BUFFER_SIZE = 32 << 20;

/** Every capture device libpcap can open (pcap_findalldevs). */
export function listDevices(): CaptureDevice[] {
  try {
    return loadBinding().listDevices();
  } catch (e) {
    throw translateError(e, {});
  }
}

/** The libpcap version string the binding runs with. */
export function libpcapVersion(): string {
  return loadBinding().libVersion();
}

export class LiveCapture {
  readonly device: string;
  /** libpcap's DLT_ / LINKTYPE_ value of the frames (1 Ethernet, 113 Linux cooked...). */
  readonly linkType: number;
  readonly snapshotLength: number;
  readonly timestampPrecision: 'nano' | 'micro';
  /** A libpcap warning from activation (e.g. promiscuous mode not supported), if any. */
  readonly warning?: string;

  private native: NativeCapture | undefined;
  private readonly listeners: BatchListener[] = [];
  private batch: PacketBatch | undefined;
  private readonly batchBytes: number;
  private readonly batchPackets: number;
  private finalStats: NativeStats | undefined;
  private referenced = true;

  /** @internal use openLive() */
  constructor(native: NativeCapture, device: string, batchBytes: number, batchPackets: number) {
    this.native = native;
    this.device = device;
    this.linkType = native.linkType;
    this.snapshotLength = native.snapshotLength;
    this.timestampPrecision = native.timestampPrecision;
    if (native.warning) this.warning = native.warning;
    this.batchBytes = Math.max(batchBytes, native.snapshotLength);
    this.batchPackets = batchPackets;
  }

  get closed(): boolean {
    return this.native === undefined;
  }

  /**
   * Registers a listener; reading starts with the first one (packets wait in the kernel
   * buffer until then). One call per batch; never called after close().
   */
  onBatch(listener: BatchListener): this {
    if (!this.native) throw new PcapError('ECLOSED', `capture on "${this.device}" is closed`);
    this.listeners.push(listener);
    if (!this.batch) {
      const n = this.batchPackets;
      const batch: PacketBatch = {
        count: 0,
        data: Buffer.allocUnsafeSlow(this.batchBytes),
        offsets: new Uint32Array(n),
        capturedLengths: new Uint32Array(n),
        originalLengths: new Uint32Array(n),
        timestampSeconds: new Float64Array(n),
        timestampNanoseconds: new Uint32Array(n),
      };
      this.batch = batch;
      this.native.start(batch, (count) => this.dispatch(count));
      if (!this.referenced) this.native.setRef(false);
    }
    return this;
  }

  private dispatch(count: number): void {
    const batch = this.batch!;
    batch.count = count;
    for (const listener of this.listeners) {
      if (!this.native) return; // closed by an earlier listener
      listener(batch);
    }
  }

  /** Kernel counters (pcap_stats); after close(), the last ones read. */
  stats(): CaptureStats {
    if (!this.native) return { ...this.finalStats! };
    return this.native.stats();
  }

  /** Replaces the BPF filter. */
  setFilter(filter: string): void {
    if (!this.native) throw new PcapError('ECLOSED', `capture on "${this.device}" is closed`);
    try {
      this.native.setFilter(filter);
    } catch (e) {
      throw translateError(e, { device: this.device, filter });
    }
  }

  /**
   * Drops the segments without SYN, FIN or RST of the connections in `table`, in C, before
   * they reach a batch (see BypassTable); null stops it. Several captures may share a table.
   */
  setBypass(table: BypassTable | null): void {
    if (!this.native) throw new PcapError('ECLOSED', `capture on "${this.device}" is closed`);
    this.native.setBypass(table === null ? null : table.nativeTable());
  }

  /**
   * From a batch listener reading packet `index` of the batch: bypass that packet's
   * connection (either endpoint first) from the next batch on. The rest of the batch has
   * already been let through the table; if it holds a SYN, FIN or RST of the connection
   * after `index` (or one is held back for the next batch), the connection is not bypassed
   * ('late', counted): the table would never see that segment take it out again.
   * 'added', 'already' (it was in), 'full' (not bypassed, counted) or 'late'.
   */
  addBypass(index: number, ipVersion: 4 | 6, addressA: Uint8Array, portA: number, addressB: Uint8Array, portB: number): 'added' | 'already' | 'full' | 'late' {
    if (!this.native) throw new PcapError('ECLOSED', `capture on "${this.device}" is closed`);
    const r = this.native.addBypass(index, ipVersion, addressA, portA, addressB, portB);
    return r === 0 ? 'added' : r === 1 ? 'already' : r === 2 ? 'full' : 'late';
  }

  /** Lets the process exit while the capture is open (like socket.unref()). */
  unref(): this {
    this.referenced = false;
    this.native?.setRef(false);
    return this;
  }

  ref(): this {
    this.referenced = true;
    this.native?.setRef(true);
    return this;
  }

  /** Stops reading and releases the device. Idempotent; no callback follows it. */
  close(): void {
    const native = this.native;
    if (!native) return;
    this.native = undefined;
    native.close();
    this.finalStats = native.stats();
    this.listeners.length = 0;
  }
}

/**
 * Connections whose later segments without SYN, FIN or RST are counted and dropped in C,
 * before any JavaScript call, by every capture given this table (`LiveCapture.setBypass`).
 * A connection is its 4-tuple in either direction. It leaves the table at its first
 * SYN, FIN or RST (that segment is passed up), after `idleTimeoutMs` without a packet, or
 * by `remove`. The table is bounded (`maxConnections`).
 */
export class BypassTable {
  readonly maxConnections: number;
  private readonly native: NativeBypassTable;

  constructor(options: BypassTableOptions = {}) {
    this.maxConnections = positiveInt('maxConnections', options.maxConnections, DEFAULT_BYPASS_CONNECTIONS);
    if (this.maxConnections > 1 << 24) throw new PcapError('EINVAL', `maxConnections must be at most ${1 << 24}, not ${this.maxConnections}`);
    this.native = new (loadBinding().NativeBypassTable)({
      maxEntries: this.maxConnections,
      idleMs: positiveInt('idleTimeoutMs', options.idleTimeoutMs, DEFAULT_BYPASS_IDLE_MS),
      refreshMs: positiveInt('refreshMs', options.refreshMs, DEFAULT_BYPASS_REFRESH_MS),
    });
  }

  /**
   * Bypass a connection (either endpoint first): 'added', 'already' (it was in), or 'full'
   * (not bypassed, counted). From a batch listener, use LiveCapture.addBypass instead: the
   * capture has already let the rest of the batch through the table.
   */
  add(ipVersion: 4 | 6, addressA: Uint8Array, portA: number, addressB: Uint8Array, portB: number): 'added' | 'already' | 'full' {
    const r = this.native.add(ipVersion, addressA, portA, addressB, portB);
    return r === 0 ? 'added' : r === 1 ? 'already' : 'full';
  }

  /** Stop bypassing a connection; true if it was in the table. */
  remove(ipVersion: 4 | 6, addressA: Uint8Array, portA: number, addressB: Uint8Array, portB: number): boolean {
    return this.native.remove(ipVersion, addressA, portA, addressB, portB);
  }

  stats(): BypassStats {
    return this.native.stats();
  }

  /**
   * What a capture does with one frame: true when it is dropped (counted). For tests; a
   * capture calls the same code itself, per packet.
   */
  filter(linkType: number, frame: Uint8Array, wireLength: number, seconds: number, nanoseconds: number): boolean {
    return this.native.filter(linkType, frame, wireLength, seconds, nanoseconds);
  }

  /** Moves the table's clock (packet time) without a packet and lets every idle connection go (for tests). */
  advanceTo(seconds: number, nanoseconds: number): void {
    this.native.advanceTo(seconds, nanoseconds);
  }

  /** @internal for LiveCapture.setBypass */
  nativeTable(): NativeBypassTable {
    return this.native;
  }
}

/**
 * The binding's header peek on one frame of `linkType` (the only packet parsing in C):
 * the TCP 4-tuple and flags it reads, or null when it does not understand the frame (a
 * capture then passes it up untouched). For tests that hold it against the decoder.
 */
export function peekHeader(linkType: number, frame: Uint8Array): HeaderPeek | null {
  return loadBinding().peekHeader(linkType, frame);
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > 0x7fffffff) {
    throw new PcapError('EINVAL', `${name} must be a positive integer, not ${value}`);
  }
  return value;
}

/** Opens a live capture (pcap_create + pcap_activate), non-blocking, ready for onBatch. */
export function openLive(options: OpenLiveOptions): LiveCapture {
  const { device } = options;
  if (typeof device !== 'string' || device === '') throw new PcapError('EINVAL', 'device must be a non-empty string');
  if (options.filter !== undefined && typeof options.filter !== 'string') throw new PcapError('EINVAL', 'filter must be a string');
  const immediate = options.immediate ?? true;
  const snaplen = positiveInt('snaplen', options.snaplen, DEFAULT_SNAPLEN);
  const native = (() => {
    try {
      const binding = loadBinding();
      return new binding.NativeCapture({
        device,
        snaplen,
        bufferSize: positiveInt('bufferSize', options.bufferSize, DEFAULT_BUFFER_SIZE),
        promiscuous: options.promiscuous ?? false,
        immediate,
        timeoutMs: options.timeoutMs === undefined ? (immediate ? undefined : DEFAULT_TIMEOUT_MS) : positiveInt('timeoutMs', options.timeoutMs, 0),
        nanosecond: options.nanosecond ?? true,
        filter: options.filter,
      });
    } catch (e) {
      throw translateError(e, { device, filter: options.filter, promiscuous: options.promiscuous ?? false });
    }
  })();
  return new LiveCapture(
    native,
    device,
    positiveInt('batchBytes', options.batchBytes, DEFAULT_BATCH_BYTES),
    positiveInt('batchPackets', options.batchPackets, DEFAULT_BATCH_PACKETS),
  );
}
