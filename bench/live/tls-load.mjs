// Rate-controlled TLS load for the live benchmark (run inside the client namespace).
// Opens new TLS connections at a fixed rate, spread evenly over time: each one is a
// full handshake (no session resumption), one small request, the response, and a
// close. Several worker processes share the rate (one core cannot do thousands of
// handshakes a second); worker i of W starts its connections at (k*W + i) / rate.
//
//   node tls-load.mjs <host> <port> <rate-per-second> <seconds> [workers]
//
// Prints one JSON line on stdout: offered, started, completed, failed, skipped (not
// started because the worker already had LIVE_MAX_INFLIGHT connections open, default
// 2000), achieved rate (completed over the time from the start to the last completion,
// at least <seconds>), connection time percentiles (ms): connect to close.
import { fork } from 'node:child_process';
import tls from 'node:tls';

const [host, portArg, rateArg, secondsArg, workersArg] = process.argv.slice(2);
const port = Number(portArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const workers = Math.max(1, Number(workersArg ?? 2) || 1);
if (!host || !(port > 0) || !(rate > 0) || !(seconds > 0)) {
  console.error('usage: node tls-load.mjs <host> <port> <rate-per-second> <seconds> [workers]');
  process.exit(2);
}
const maxInflight = Number(process.env.LIVE_MAX_INFLIGHT ?? 2000);
const graceMs = 3000;
const request = Buffer.from(`GET / HTTP/1.1\r\nhost: live.shakewatch.test\r\nconnection: close\r\n\r\n`);

if (process.env.TLS_LOAD_WORKER === undefined) {
  // Primary: start the workers, give them one common start time, sum their tallies.
  const children = [];
  const results = [];
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    const child = fork(new URL(import.meta.url).pathname, process.argv.slice(2), { env: { ...process.env, TLS_LOAD_WORKER: String(i) } });
    children.push(child);
    child.on('message', (m) => {
      if (m.type === 'ready' && ++ready === workers) {
        const start = Date.now() + 100;
        for (const c of children) c.send({ type: 'go', start });
      } else if (m.type === 'result') {
        results.push(m.result);
        if (results.length === workers) {
          const sum = (k) => results.reduce((a, r) => a + r[k], 0);
          const times = results.flatMap((r) => r.times).sort((a, b) => a - b);
          const pct = (p) => (times.length ? +times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2) : null);
          const out = {
            rate, seconds, workers,
            offered: sum('offered'), started: sum('started'), completed: sum('completed'), failed: sum('failed'), skipped: sum('skipped'),
            // completed connections over the time from the start to the last completion
            // (at least the offered duration): the rate the client and server sustained
            achievedRate: +(sum('completed') / Math.max(seconds, ...results.map((r) => r.lastDoneMs / 1000))).toFixed(1),
            connectMs: { p50: pct(0.5), p99: pct(0.99), max: times.length ? +times[times.length - 1].toFixed(2) : null },
            errors: Object.entries(results.reduce((a, r) => { for (const [k, v] of Object.entries(r.errors)) a[k] = (a[k] ?? 0) + v; return a; }, {})).map(([k, v]) => `${k}:${v}`),
          };
          process.stdout.write(`${JSON.stringify(out)}\n`);
          process.exit(0);
        }
      }
    });
    child.on('exit', (code) => {
      if (code !== 0 && results.length < workers) {
        console.error(`tls-load: worker ${i} exited with ${code}`);
        process.exit(1);
      }
    });
  }
} else {
  // Worker: its share of the rate, phase-shifted so the workers interleave.
  const index = Number(process.env.TLS_LOAD_WORKER);
  const interval = (1000 * workers) / rate; // ms between this worker's connections
  const offset = (1000 * index) / rate;
  const tally = { offered: 0, started: 0, completed: 0, lastDoneMs: 0, failed: 0, skipped: 0, times: [], errors: {} };
  const sampleEvery = Math.max(1, Math.floor((rate / workers) * seconds / 20000)); // keep at most ~20k times
  const total = Math.max(0, Math.ceil((seconds * 1000 - offset) / interval)); // this worker's share
  let inflight = 0;
  let lastDone = 0;
  let start = 0;
  let end = 0;

  const connect = (n) => {
    inflight++;
    tally.started++;
    const t0 = performance.now();
    let finished = false;
    const done = (error) => {
      if (finished) return;
      finished = true;
      inflight--;
      if (error) {
        tally.failed++;
        tally.errors[error] = (tally.errors[error] ?? 0) + 1;
      } else {
        tally.completed++;
        const now = performance.now();
        lastDone = now - start;
        if (n % sampleEvery === 0) tally.times.push(now - t0);
      }
    };
    const socket = tls.connect({ host, port, servername: 'live.shakewatch.test', rejectUnauthorized: false }, () => socket.write(request));
    let got = 0;
    socket.on('data', (d) => (got += d.length));
    socket.on('end', () => socket.end());
    socket.on('close', () => done(got > 0 ? null : 'no-response'));
    socket.on('error', (e) => {
      done(e.code ?? 'error');
      socket.destroy();
    });
    socket.setTimeout(10_000, () => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
  };

  const tick = () => {
    const now = performance.now();
    const elapsed = Math.min(now, end) - start - offset;
    const due = elapsed < 0 ? 0 : Math.min(Math.floor(elapsed / interval) + 1, total);
    while (tally.offered < due) {
      const n = tally.offered++;
      if (inflight >= maxInflight) tally.skipped++;
      else connect(n);
    }
    if (now < end) setTimeout(tick, 1);
    else finish();
  };

  const finish = () => {
    const deadline = performance.now() + graceMs;
    const wait = () => {
      if (inflight === 0 || performance.now() > deadline) {
        tally.failed += inflight;
        if (inflight) tally.errors['unfinished'] = inflight;
        tally.lastDoneMs = lastDone;
        process.send({ type: 'result', result: tally }, () => process.exit(0));
      } else setTimeout(wait, 10);
    };
    wait();
  };

  process.on('message', (m) => {
    if (m.type !== 'go') return;
    const delay = m.start - Date.now();
    setTimeout(() => {
      start = performance.now();
      end = start + seconds * 1000;
      tick();
    }, Math.max(0, delay));
  });
  process.send({ type: 'ready' });
}
