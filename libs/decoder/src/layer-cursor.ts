import type { PacketSkipReason } from './errors';

/** What the next header is, as each layer decoder tells the packet decoder. */
export enum Next {
  Ethernet,
  /** An EtherType value is in `cursor.proto`. */
  EtherType,
  /** A PPP protocol number is in `cursor.proto`. */
  Ppp,
  Ipv4,
  Ipv6,
  /** IPv4 or IPv6, told apart by the version nibble (MPLS, GTP-U, raw links). */
  IpByVersion,
  /** An IP protocol number is in `cursor.proto` (after IPv4 or the IPv6 chain). */
  IpProto,
  Done,
}

/**
 * The one mutable cursor every layer decoder reads and advances: where the current
 * header starts, where the layer's bytes end, and what comes next. Reused for every
 * packet so decoding allocates nothing.
 */
export interface LayerCursor {
  next: Next;
  offset: number;
  /** End of this layer's bytes within the captured data (IP narrows it to its length). */
  end: number;
  proto: number;
  /** Encapsulations passed through (VLAN tags, MPLS labels, tunnels, IPv6 extensions). */
  depth: number;
  skip: PacketSkipReason | null;
}

export function newCursor(): LayerCursor {
  return { next: Next.Done, offset: 0, end: 0, proto: 0, depth: 0, skip: null };
}

/** Decoding stops with a reason: a value, never a throw. */
export function stop(c: LayerCursor, reason: PacketSkipReason): void {
  c.skip = reason;
  c.next = Next.Done;
}
