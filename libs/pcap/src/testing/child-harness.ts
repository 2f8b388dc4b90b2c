// Run by the specs as a separate Node process (compiled by compileForChild): inside a
// network namespace (`ip netns exec`), without capabilities (setpriv), or to prove that a
// process exits by itself after close(). Prints one JSON line on stdout.
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { openLive, type LiveCapture } from '../index';

const [mode, ...args] = process.argv.slice(2);

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function connectOnce(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host);
    s.on('error', reject);
    s.on('end', () => s.end());
    s.on('close', () => resolve());
    s.resume();
  });
}

async function main(): Promise<void> {
  switch (mode) {
    case 'serve': {
      // serve HOST PORT: accept, close at once (the client closes in turn)
      const [host, port] = args;
      const server = createServer((s) => {
        s.on('error', () => undefined);
        s.end();
      });
      server.listen(Number(port), host, () => process.stdout.write('ready\n'));
      process.stdin.on('end', () => server.close()).resume();
      return;
    }
    case 'capture': {
      // capture DEVICE FILTER HOST PORT N: our capture while N connections are made
      const [device, filter, host, port, n] = args;
      const frames: { ns: string; hex: string }[] = [];
      const capture = openLive({ device, filter });
      let batches = 0;
      capture.onBatch((b) => {
        batches++;
        for (let i = 0; i < b.count; i++) {
          const ns = BigInt(b.timestampSeconds[i]) * 1_000_000_000n + BigInt(b.timestampNanoseconds[i]);
          frames.push({ ns: ns.toString(), hex: b.data.toString('hex', b.offsets[i], b.offsets[i] + b.capturedLengths[i]) });
        }
      });
      for (let i = 0; i < Number(n); i++) await connectOnce(host, Number(port));
      await new Promise((r) => setTimeout(r, 300));
      const stats = capture.stats();
      capture.close();
      print({ linkType: capture.linkType, precision: capture.timestampPrecision, batches, stats, frames });
      return; // nothing else holds the event loop: the process must exit by itself
    }
    case 'open': {
      // open DEVICE: the error openLive throws, if any
      try {
        openLive({ device: args[0] }).close();
        print({ ok: true });
      } catch (e) {
        const err = e as { code?: string; message?: string };
        print({ code: err.code, message: err.message });
      }
      return;
    }
    case 'exit-after-close': {
      // a capture that saw packets, closed from its callback: the process must exit by itself
      const rx = createSocket('udp4');
      rx.bind(0, '127.0.0.1', () => {
        const port = rx.address().port;
        const capture: LiveCapture = openLive({ device: 'lo', filter: `udp port ${port}` });
        const tx = createSocket('udp4');
        const timer = setInterval(() => tx.send('x', port, '127.0.0.1'), 5);
        capture.onBatch((b) => {
          print({ packets: b.count });
          capture.close();
          clearInterval(timer);
          tx.close();
          rx.close();
        });
      });
      return;
    }
    case 'throw': {
      // a listener that throws: 'uncaughtException', like any I/O callback; no more calls after close()
      const rx = createSocket('udp4');
      rx.bind(0, '127.0.0.1', () => {
        const port = rx.address().port;
        const capture = openLive({ device: 'lo', filter: `udp port ${port}` });
        const tx = createSocket('udp4');
        const timer = setInterval(() => tx.send('x', port, '127.0.0.1'), 2);
        let calls = 0;
        process.on('uncaughtException', (e) => {
          capture.close();
          clearInterval(timer);
          setTimeout(() => {
            print({ caught: e.message, calls });
            tx.close();
            rx.close();
          }, 50);
        });
        capture.onBatch(() => {
          calls++;
          throw new Error('listener failed');
        });
      });
      return;
    }
    case 'unref': {
      // an open capture, unref()'d: does not keep the process alive
      openLive({ device: 'lo', filter: 'udp port 9' }).unref().onBatch(() => undefined);
      print({ unref: true });
      return;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
