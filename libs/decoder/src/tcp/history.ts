import { TcpFlag } from '../transport/tcp-flags';

// Seen-bit masks of Zeek's Session::CheckHistory (originator low 16 bits, responder high).
const SYN = 0x1;
const FIN = 0x2;
const RST = 0x4;
const FIN_RST = 0x8;
const DATA = 0x10;
const ACK = 0x20;
const MULTI_FLAG = 0x40;

// Slots of ZeekHistory.scaled: [count, next threshold] per letter and side.
const SCALED_SLOT: Record<'T' | 'W' | 'G' | 'C', number> = { T: 0, W: 4, G: 8, C: 12 };

/** Zeek's history string for one connection: letters per TCPSessionAdapter::update_history. */
export class ZeekHistory {
  text = '';
  private seen = 0;
  // One per connection, so kept small and flat: the last SYN, FIN and RST sequence number
  // per side as fields (-1: none yet), the scaled-letter counters only once one is needed.
  private lastSyn0 = -1;
  private lastSyn1 = -1;
  private lastFin0 = -1;
  private lastFin1 = -1;
  private lastRst0 = -1;
  private lastRst1 = -1;
  /** Scaled letters (T, W, G, C): count and next threshold per letter and side. */
  private scaled: number[] | null = null;

  /** Back to an empty history (connection reuse). */
  reset(): void {
    this.text = '';
    this.seen = 0;
    this.lastSyn0 = this.lastSyn1 = this.lastFin0 = this.lastFin1 = this.lastRst0 = this.lastRst1 = -1;
    this.scaled = null;
  }

  /** Letters for one packet from `side` (0 = originator: upper case). */
  packet(side: 0 | 1, flags: number, payloadLength: number, relSeq: number): void {
    const syn = flags & TcpFlag.SYN ? 1 : 0;
    const fin = flags & TcpFlag.FIN ? 1 : 0;
    const rst = flags & TcpFlag.RST ? 1 : 0;
    const bits = syn + fin + rst;
    if (bits > 1) {
      if (fin && rst) this.once(side, FIN_RST, 'I');
      else this.once(side, MULTI_FLAG, 'Q');
    } else if (bits === 1) {
      if (syn) {
        const first = this.firstSighting(side, SYN);
        if (first || relSeq !== (side === 0 ? this.lastSyn0 : this.lastSyn1)) this.add(side, flags & TcpFlag.ACK ? 'H' : 'S');
        if (side === 0) this.lastSyn0 = relSeq;
        else this.lastSyn1 = relSeq;
      } else if (fin) {
        const end = (relSeq + payloadLength) >>> 0;
        const first = this.firstSighting(side, FIN);
        if (first || end !== (side === 0 ? this.lastFin0 : this.lastFin1)) this.add(side, 'F');
        if (side === 0) this.lastFin0 = end;
        else this.lastFin1 = end;
      } else {
        const first = this.firstSighting(side, RST);
        if (first || relSeq !== (side === 0 ? this.lastRst0 : this.lastRst1)) this.add(side, 'R');
        if (side === 0) this.lastRst0 = relSeq;
        else this.lastRst1 = relSeq;
      }
    } else if (payloadLength > 0) {
      this.once(side, DATA, 'D');
    } else if (flags & TcpFlag.ACK) {
      this.once(side, ACK, 'A');
    }
  }

  /** A letter logged at the 1st, 10th, 100th... occurrence (Session::ScaledHistoryEntry). */
  scaledLetter(side: 0 | 1, letter: 'T' | 'W' | 'G' | 'C'): void {
    const s = (this.scaled ??= [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const i = SCALED_SLOT[letter] + 2 * side;
    if (++s[i] === s[i + 1]) {
      this.add(side, letter);
      s[i + 1] *= 10;
    }
  }

  /** Role flip marker, no case. */
  flip(): void {
    this.text += '^';
  }

  private once(side: 0 | 1, mask: number, letter: string): void {
    if (this.firstSighting(side, mask)) this.add(side, letter);
  }

  private firstSighting(side: 0 | 1, mask: number): boolean {
    const bit = side === 0 ? mask : mask << 16;
    if (this.seen & bit) return false;
    this.seen |= bit;
    return true;
  }

  private add(side: 0 | 1, letter: string): void {
    this.text += side === 0 ? letter : letter.toLowerCase();
  }
}
