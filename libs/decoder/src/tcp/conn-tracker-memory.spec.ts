import { CaptureAnalyzer } from '../capture-analyzer';
import { writePcap } from '../testing/capture-writer';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';
import type { Connection } from './connection';

// What keeps the tracker's memory bounded on long, busy captures (bench/README.md).

const handshake = (t: number): Segment[] => [
  { from: 'c', flags: F.SYN, seq: 100, t },
  { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t },
  { from: 'c', flags: F.ACK, seq: 101, ack: 501, t },
];
const close = (t: number): Segment[] => [
  { from: 'c', flags: F.FIN | F.ACK, seq: 101, ack: 501, t },
  { from: 's', flags: F.FIN | F.ACK, seq: 501, ack: 102, t },
  { from: 'c', flags: F.ACK, seq: 102, ack: 502, t },
];

/** Connections in the order they were ended, with what ended them. */
function ended(bytes: Uint8Array, options: ConstructorParameters<typeof CaptureAnalyzer>[1]): Connection[] {
  const out: Connection[] = [];
  const analyzer = new CaptureAnalyzer((c) => out.push(c), options);
  analyzer.push(bytes);
  analyzer.end();
  return out;
}

describe('ConnTracker memory', () => {
  it('expires a finished connection after the closed timeout even behind an older open one', () => {
    const frames = [
      ...conversation(V4, handshake(0)), // stays open to the end
      ...conversation({ ...V4, clientPort: 40001 }, [...handshake(1), ...close(1)]),
      ...conversation({ ...V4, clientPort: 40002 }, [{ from: 'c', flags: F.SYN, seq: 1, t: 20 }]),
    ];
    const out = ended(writePcap(frames), { idleTimeoutSeconds: 100, closedTimeoutSeconds: 10 });
    expect(out.map((c) => [c.clientPort, c.endReason])).toEqual([[40001, 'idle'], [40000, 'capture-end'], [40002, 'capture-end']]);
  });

  it('still ends open connections after the idle timeout, and finished ones not before the closed timeout', () => {
    const frames = [
      ...conversation(V4, handshake(0)),
      ...conversation({ ...V4, clientPort: 40001 }, [...handshake(5), ...close(5)]),
      ...conversation({ ...V4, clientPort: 40002 }, [{ from: 'c', flags: F.SYN, seq: 1, t: 12 }]),
    ];
    const out = ended(writePcap(frames), { idleTimeoutSeconds: 10, closedTimeoutSeconds: 10 });
    expect(out.map((c) => [c.clientPort, c.endReason])).toEqual([[40000, 'idle'], [40001, 'capture-end'], [40002, 'capture-end']]);
  });

  it('evicts the least recently seen of open and finished connections', () => {
    const frames = [
      ...conversation({ ...V4, clientPort: 40001 }, [...handshake(1), ...close(1)]),
      ...conversation(V4, handshake(2)),
      ...conversation({ ...V4, clientPort: 40002 }, [{ from: 'c', flags: F.SYN, seq: 1, t: 3 }]),
    ];
    const out = ended(writePcap(frames), { maxConnections: 2 });
    expect(out.map((c) => [c.clientPort, c.endReason])).toEqual([[40001, 'evicted'], [40000, 'capture-end'], [40002, 'capture-end']]);
  });

  it('shares one copy of an IPv4 address between the connections that have it', () => {
    const frames = [...conversation(V4, handshake(0)), ...conversation({ ...V4, clientPort: 40001 }, handshake(1))];
    const [a, b] = ended(writePcap(frames), {});
    expect(a.clientAddr).toBe(b.clientAddr);
    expect(a.serverAddr).toBe(b.serverAddr);
    expect(a.clientAddr).not.toBe(a.serverAddr);
  });

  it('copies addresses out of the read chunk (a Buffer view would keep the whole chunk alive)', () => {
    const chunk = Buffer.from(writePcap(conversation(V4, handshake(0))));
    const [c] = ended(chunk, {});
    expect([c.clientAddr, c.serverAddr].map((a) => a.buffer.byteLength)).toEqual([4, 4]);
    expect([...c.clientAddr]).toEqual(V4.client);
  });
});
