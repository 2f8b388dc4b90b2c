// Client load for the benchmark capture (run inside the client namespace by
// record-large-capture.sh): many short real TCP connections of several kinds, plus
// bulk downloads paced so they take a steady share of the capture. Runs until SIGTERM,
// then writes what it did as JSON to <stats-file>.
//
//   node clients.mjs <server-address> <stats-file>
//
// Environment: BENCH_CONCURRENCY (default 48), BENCH_BULK_BYTES (one bulk download,
// default 4 MiB), BENCH_BULK_EVERY (short connections between two bulk downloads,
// default 1500).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const [host, statsFile] = process.argv.slice(2);
if (!host || !statsFile) {
  console.error('usage: node clients.mjs <server-address> <stats-file>');
  process.exit(2);
}
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 48);
const bulkBytes = Number(process.env.BENCH_BULK_BYTES ?? 4 << 20);
const bulkEvery = Number(process.env.BENCH_BULK_EVERY ?? 1500);

const stats = { started: new Date().toISOString(), connections: 0, errors: 0, kinds: {} };
let shortDone = 0;
let stopping = false;

// TLS session cache shared by half of the HTTPS connections: those resume.
const resumingAgent = new https.Agent({ keepAlive: false, maxCachedSessions: 64 });
const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 8, maxFreeSockets: 8 });

function get(mod, options) {
  return new Promise((resolve, reject) => {
    const req = mod.get({ host, ...options }, (res) => {
      res.on('data', () => {});
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
  });
}

function connectThen(port, onConnect) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    s.on('error', reject);
    s.on('close', resolve);
    s.setTimeout(10_000, () => s.destroy());
    s.on('connect', () => onConnect(s));
  });
}

const tlsOpts = { rejectUnauthorized: false, servername: 'bench.shakewatch.test' };

// [weight, name, connections it opens, run]
const kinds = [
  [46, 'http-short', 1, () => get(http, { port: 8080, path: '/', agent: false })],
  [8, 'http-api', 1, () => get(http, { port: 8080, path: `/api?n=${500 + Math.floor(Math.random() * 8000)}`, agent: false })],
  [6, 'http-keepalive', 0, async () => {
    for (let i = 0; i < 4; i++) await get(http, { port: 8080, path: '/', agent: keepAliveAgent });
  }],
  [6, 'https-new', 1, () => get(https, { port: 8443, path: '/', agent: false, ...tlsOpts })],
  [6, 'https-resumed', 1, () => get(https, { port: 8443, path: '/api?n=4000', agent: resumingAgent, ...tlsOpts })],
  [2, 'tls12-alpn', 1, () => new Promise((resolve, reject) => {
    const s = tls.connect({ host, port: 8443, maxVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'], ...tlsOpts }, () => s.end());
    s.on('error', reject);
    s.on('close', resolve);
    s.resume();
  })],
  [12, 'refused', 1, () => connectThen(8081, (s) => s.end())],
  [5, 'client-reset', 1, () => connectThen(8080, (s) => {
    s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    s.once('data', () => s.resetAndDestroy());
  })],
  [4, 'server-reset', 1, () => connectThen(8080, (s) => s.write('GET /abort HTTP/1.1\r\nHost: x\r\n\r\n'))],
  [5, 'echo-half-close', 1, () => connectThen(9001, (s) => {
    s.resume();
    s.write('ping '.repeat(40));
    s.end();
  })],
];
const totalWeight = kinds.reduce((n, k) => n + k[0], 0);

function pick() {
  let r = Math.random() * totalWeight;
  for (const k of kinds) if ((r -= k[0]) < 0) return k;
  return kinds[0];
}

async function shortLane() {
  while (!stopping) {
    const [, name, conns, run] = pick();
    try {
      await run();
    } catch {
      stats.errors++; // refused connections land here too: that is the point
    }
    stats.kinds[name] = (stats.kinds[name] ?? 0) + 1;
    stats.connections += conns;
    shortDone++;
  }
}

async function bulkLane() {
  let next = bulkEvery;
  while (!stopping) {
    if (shortDone < next) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    next += bulkEvery;
    const secure = Math.random() < 0.25;
    try {
      await get(secure ? https : http, { port: secure ? 8443 : 8080, path: `/bulk?n=${bulkBytes}`, agent: false, ...(secure ? tlsOpts : {}) });
    } catch {
      stats.errors++;
    }
    stats.kinds.bulk = (stats.kinds.bulk ?? 0) + 1;
    stats.connections++;
  }
}

function finish() {
  stopping = true;
  stats.stopped = new Date().toISOString();
  writeFileSync(statsFile, JSON.stringify(stats, null, 2) + '\n');
  process.exit(0);
}
process.on('SIGTERM', finish);
process.on('SIGINT', finish);

for (let i = 0; i < concurrency; i++) shortLane();
bulkLane();
