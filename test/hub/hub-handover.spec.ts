// The built hub as a real process and real ws clients: an agent that says it moved here
// from another hub stays hidden for the handover (so the old hub's last scrape has gone
// stale in Prometheus before this hub shows it), while its up and acks go on; one back
// from this same hub (a cut connection) is shown at once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_FAMILIES, type Hello } from '@shakewatch/protocol';
import type WebSocket from 'ws';
import { samples } from '../support/prometheus-text';
import { connect, hello, newToken, snapshot, startHub, type RunningHub } from './hub-harness';

jest.setTimeout(60_000);

const HANDOVER_SECONDS = 3;
const HUB_ID = 'hub-handover-test';
const PACKETS = AGENT_FAMILIES.capturePackets.name;
const dir = mkdtempSync(join(tmpdir(), 'hub-handover-'));
const token = newToken();
const tokensFile = join(dir, 'tokens');
writeFileSync(tokensFile, `${token.hash} moved-*\n`);

let hub: RunningHub;
const sockets: WebSocket[] = [];
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  hub = await startHub({ SHAKEWATCH_HUB_TOKENS_FILE: tokensFile, SHAKEWATCH_HUB_HANDOVER_SECONDS: String(HANDOVER_SECONDS), SHAKEWATCH_HUB_ID: HUB_ID });
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  for (const ws of sockets) ws.terminate();
  await hub?.stop();
});

const scrape = async (): Promise<Map<string, number>> => samples(await (await fetch(`http://127.0.0.1:${hub.port}/metrics`)).text());

/** Hello (with `movedFrom`), welcome, then the same totals every 0.5 s (interval 1 s, so it stays fresh): resolves at the first ack. */
async function report(agentId: string, movedFrom: Hello['movedFrom']): Promise<void> {
  const ws = connect(hub.port, { token: token.token, agentId });
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'welcome') {
        let seq = 0;
        const send = () => ws.send(JSON.stringify(snapshot('boot-00000001', ++seq, { [PACKETS]: [[[], 42]] })));
        send();
        timers.push(setInterval(send, 500));
      }
      if (m.type === 'ack') resolve();
    });
    ws.once('open', () => ws.send(JSON.stringify({ ...hello(agentId, 'boot-00000001', 1), ...(movedFrom ? { movedFrom } : {}) })));
  });
}

it('hides an agent that moved from another hub for the handover, counted from when it left that hub', async () => {
  const t0 = Date.now();
  await report('moved-other', { hubId: 'hub-elsewhere:9464', secondsAgo: 1 });
  await report('moved-back', { hubId: HUB_ID, secondsAgo: 0 });
  await report('moved-never', undefined);
  const series = (id: string) => `${PACKETS}{agent="${id}"}`;
  const first = await scrape();
  expect(first.get(series('moved-back'))).toBe(42);
  expect(first.get(series('moved-never'))).toBe(42);
  expect(first.get(series('moved-other'))).toBeUndefined();
  expect(first.get('shakewatch_agent_up{agent="moved-other"}')).toBe(1);
  expect(first.get('shakewatch_hub_agent_handovers_total')).toBe(1);
  expect(hub.logs()).toMatch(/"agent":"moved-other".*"movedFrom":"hub-elsewhere:9464","hiddenSeconds":2.*"msg":"agent connected"/);

  // shown once HANDOVER_SECONDS have passed since it left the other hub (1 s before it came)
  let shownAt = 0;
  while (Date.now() - t0 < 10_000) {
    if ((await scrape()).get(series('moved-other')) === 42) {
      shownAt = Date.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(shownAt).toBeGreaterThan(0);
  expect((shownAt - t0) / 1000).toBeGreaterThanOrEqual(HANDOVER_SECONDS - 1 - 0.1);
  expect((shownAt - t0) / 1000).toBeLessThan(HANDOVER_SECONDS + 2);
});
