// Simulated agents: N real WebSocket clients (the agent's ws version) speaking the
// protocol to a hub: hello, then a typical cumulative snapshot every INTERVAL seconds,
// spread evenly over the interval. Bounded: stops after DURATION seconds.
// Usage: node load-agents.mjs URL TOKEN_FILE FIRST COUNT INTERVAL DURATION
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { protocol, typicalFamilies } from './typical-snapshot.mjs';

const [url, tokenFile, first, count, interval, duration] = process.argv.slice(2);
const token = readFileSync(tokenFile, 'utf8').trim();
const n = Number(count);
const every = Number(interval) * 1000;
const stopAt = Date.now() + Number(duration) * 1000;
let acked = 0;
let refused = 0;
let open = 0;

function runAgent(i) {
  const id = `bench-${String(i).padStart(5, '0')}`;
  const bootId = randomUUID();
  let seq = 0;
  let timer = null;
  const ws = new WebSocket(url, protocol.SUBPROTOCOL, { headers: { authorization: `Bearer ${token}`, [protocol.AGENT_ID_HEADER]: id } });
  const send = () => {
    if (Date.now() > stopAt) return ws.close(1000);
    seq++;
    ws.send(JSON.stringify({ type: 'snapshot', bootId, seq, time: Date.now(), families: typicalFamilies(i, seq) }));
  };
  ws.on('open', () => {
    open++;
    ws.send(JSON.stringify({ type: 'hello', protocol: protocol.PROTOCOL_VERSION, agentId: id, agentVersion: 'bench', hostname: id, bootId, startedAt: Date.now() / 1000, intervalSeconds: Number(interval), capture: { source: 'live', interfaces: ['eth0'] } }));
  });
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'welcome') {
      send();
      // spread the agents over the interval, as real ones started at different times are
      setTimeout(() => { send(); timer = setInterval(send, every); }, (i * 7919) % every);
    } else if (m.type === 'ack') acked++;
  });
  ws.on('unexpected-response', () => refused++);
  ws.on('error', () => undefined);
  ws.on('close', () => { open--; if (timer) clearInterval(timer); });
}

for (let i = 0; i < n; i++) {
  runAgent(Number(first) + i);
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20)); // connect in small bursts
}
const report = setInterval(() => process.stderr.write(`[load ${first}] open ${open} acked ${acked} refused ${refused}\n`), 10_000);
setTimeout(() => { clearInterval(report); console.log(JSON.stringify({ first: Number(first), count: n, acked, refused })); process.exit(0); }, Number(duration) * 1000 + 3000);
