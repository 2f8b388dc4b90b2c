// The baseline: the same N agents' typical series held in prom-client's own Registry
// (Counters, Gauges and Histograms with the agent label, as a hub built on prom-client
// alone would hold them), and the time and size of one registry.metrics().
// Usage: node prom-client-baseline.mjs N  -> one JSON line
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { protocol, typicalFamilies } from './typical-snapshot.mjs';

const n = Number(process.argv[2] ?? 1000);
const registry = new Registry();
const metrics = new Map();
for (const f of Object.values(protocol.AGENT_FAMILIES)) {
  const labelNames = ['agent', ...f.labels];
  const Kind = f.type === 'counter' ? Counter : f.type === 'gauge' ? Gauge : Histogram;
  metrics.set(f.name, { f, m: new Kind({ name: f.name, help: f.help, labelNames, buckets: f.buckets ? [...f.buckets] : undefined, registers: [registry] }) });
}
for (let i = 0; i < n; i++) {
  const agent = `bench-${String(i).padStart(5, '0')}`;
  for (const [name, rows] of Object.entries(typicalFamilies(i, 3))) {
    const { f, m } = metrics.get(name);
    for (const row of rows) {
      const labels = { agent, ...Object.fromEntries(f.labels.map((l, j) => [l, row[0][j]])) };
      if (f.type === 'histogram') {
        // observations that land in the same buckets (the sum differs; render time does not care)
        const counts = row[1];
        const child = m.labels(labels);
        for (let j = 0; j < counts.length; j++) {
          const value = j < f.buckets.length ? f.buckets[j] : f.buckets[f.buckets.length - 1] * 2;
          for (let k = counts[j] - (j > 0 ? counts[j - 1] : 0); k > 0; k--) child.observe(value);
        }
      } else if (f.type === 'counter') m.inc(labels, row[1]);
      else m.set(labels, row[1]);
    }
  }
}
const runs = [];
let bytes = 0;
for (let r = 0; r < 5; r++) {
  const t = process.hrtime.bigint();
  const text = await registry.metrics();
  runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  bytes = Buffer.byteLength(text);
}
runs.sort((a, b) => a - b);
console.log(JSON.stringify({ agents: n, medianMs: runs[2], minMs: runs[0], bytes }));
