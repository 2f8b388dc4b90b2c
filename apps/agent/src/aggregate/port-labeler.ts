import { DEFAULT_PORT_LABELS, OTHER } from '@shakewatch/protocol';

export interface PortLabelerOptions {
  /** Exactly these server ports get their own value (the rest `other`). */
  ports?: readonly number[];
  /** Without a list: how many server ports get their own value. */
  maxPorts?: number;
}

/**
 * The `port` label (the server port), bounded. With a configured list, exactly those
 * ports have their own value. Without one, a port earns its own value the first time a
 * handshake to it completes (a service answered there) while fewer than `maxPorts` have
 * one; it keeps it for the life of the process (a series never changes meaning). On a
 * server the ports it serves are the first to complete handshakes, and connections to
 * them dominate; SYNs that were refused or never answered admit nothing, so a port scan
 * cannot take the slots. Every connection counted under `other` is a fold.
 */
export class PortLabeler {
  /** Connections counted under `other` (the folds). */
  folded = 0;
  private readonly own = new Map<number, string>();
  private readonly fixed: boolean;
  private readonly max: number;

  constructor(options: PortLabelerOptions = {}) {
    this.fixed = options.ports !== undefined && options.ports.length > 0;
    this.max = this.fixed ? options.ports!.length : (options.maxPorts ?? DEFAULT_PORT_LABELS);
    if (this.fixed) for (const p of options.ports!) this.own.set(p, String(p));
  }

  /** A handshake to this server port completed. */
  answered(port: number): void {
    if (this.fixed || this.own.has(port) || this.own.size >= this.max || port < 1 || port > 65535) return;
    this.own.set(port, String(port));
  }

  /** The label value for a connection to this server port (a fold is counted when it is `other`). */
  label(port: number): string {
    const v = this.own.get(port);
    if (v !== undefined) return v;
    this.folded++;
    return OTHER;
  }

  /** The ports with their own value, in the order they got it. */
  get ports(): number[] {
    return [...this.own.keys()];
  }
}
