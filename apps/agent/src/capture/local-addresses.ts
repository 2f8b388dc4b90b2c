import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';

/** How often a live agent reads the host's addresses again (DHCP, a new interface, an address added by hand). */
export const LOCAL_ADDRESS_REFRESH_SECONDS = 30;

/** The addresses of this host's interfaces, as `os.networkInterfaces()` lists them (loopback included). */
export function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address);
  return out;
}

/**
 * The set of addresses that are this host's: the configured ones (`--local-address`),
 * plus, for live capture, the interfaces' own, read at start and again every
 * LOCAL_ADDRESS_REFRESH_SECONDS (a change is logged). A replayed file was captured on
 * some other host at some other time: there only the configured ones count.
 */
export class LocalAddresses {
  private current: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly configured: readonly string[],
    private readonly readHost: (() => string[]) | null,
    private readonly onChange: (addresses: string[]) => void,
    private readonly log: Logger,
  ) {}

  /** Read them now, hand them to onChange, and (live) keep them up to date (a change is logged: "local addresses changed"). */
  start(): void {
    this.refresh(true);
    if (this.readHost) {
      this.timer = setInterval(() => this.refresh(false), LOCAL_ADDRESS_REFRESH_SECONDS * 1000);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get addresses(): readonly string[] {
    return this.current;
  }

  refresh(first = false): void {
    let host: string[] = [];
    try {
      host = this.readHost?.() ?? [];
    } catch (e) {
      this.log.warn({ error: (e as Error).message }, 'cannot list the host addresses');
      return;
    }
    const next = [...new Set([...this.configured, ...host])].sort();
    const before = new Set(this.current);
    const added = next.filter((a) => !before.has(a));
    const removed = this.current.filter((a) => !next.includes(a));
    if (!first && added.length === 0 && removed.length === 0) return;
    this.current = next;
    this.onChange(next);
    if (!first) this.log.info({ added, removed }, 'local addresses changed');
  }
}
