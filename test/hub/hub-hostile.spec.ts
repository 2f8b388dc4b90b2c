// The built hub as a real process, real ws clients over loopback: one good agent keeps
// reporting while every kind of hostile or broken client is refused, each counted by
// reason in /metrics, and the good agent's series never stop updating.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_FAMILIES, REJECT_REASON_CODES, REJECT_REASONS, type RejectReason } from '@shakewatch/protocol';
import type WebSocket from 'ws';
import { samples } from '../support/prometheus-text';
import { attempt, connect, hello, newToken, pool, runHub, snapshot, startHub, type Outcome, type RunningHub } from './hub-harness';

jest.setTimeout(90_000);

const dir = mkdtempSync(join(tmpdir(), 'hub-hostile-'));
const good = newToken();
const fleet = newToken();
const tokensFile = join(dir, 'tokens');
writeFileSync(tokensFile, ['# test tokens', `${good.hash} good-1`, `${fleet.hash} fake-*,hostile-*  # the rest`, ''].join('\n'));

const MAX_AGENTS = 40;
const LIMITS = {
  SHAKEWATCH_HUB_TOKENS_FILE: tokensFile,
  SHAKEWATCH_HUB_MAX_MESSAGE_BYTES: String(512 * 1024),
  SHAKEWATCH_HUB_MESSAGE_BURST: '20',
  SHAKEWATCH_HUB_MESSAGES_PER_SECOND: '10',
  SHAKEWATCH_HUB_MAX_SERIES_PER_AGENT: '3000',
  SHAKEWATCH_HUB_MAX_AGENTS: String(MAX_AGENTS),
  SHAKEWATCH_HUB_HELLO_TIMEOUT_SECONDS: '1',
  SHAKEWATCH_HUB_HEARTBEAT_SECONDS: '2',
};
const PACKETS = AGENT_FAMILIES.capturePackets.name;
const GOOD_SERIES = `${PACKETS}{agent="good-1"}`;

let hub: RunningHub;
const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${hub.port}/metrics`)).text();
const rejected = (m: Map<string, number>, r: RejectReason) => m.get(`shakewatch_hub_rejected_total{reason="${r}"}`);

/** The good agent: a snapshot every 200 ms, its packet counter growing; and a scraper watching it. */
let goodWs: WebSocket;
let goodSeq = 0;
let goodTimer: NodeJS.Timeout;
const goodAcks: number[] = [];
const seen: { t: number; v: number | undefined }[] = [];
let scraping = true;
let scraper: Promise<void>;

beforeAll(async () => {
  hub = await startHub(LIMITS);
  goodWs = connect(hub.port, { token: good.token, agentId: 'good-1' });
  await new Promise<void>((resolve, reject) => {
    goodWs.once('error', reject);
    goodWs.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'welcome') resolve();
      if (m.type === 'ack') goodAcks.push(m.seq);
    });
    goodWs.once('open', () => goodWs.send(JSON.stringify(hello('good-1', 'boot-good-0001', 1))));
  });
  const send = () => {
    goodSeq++;
    goodWs.send(JSON.stringify(snapshot('boot-good-0001', goodSeq, { [PACKETS]: [[[], goodSeq * 10]] })));
  };
  send();
  goodTimer = setInterval(send, 200);
  scraper = (async () => {
    while (scraping) {
      const m = samples(await metrics());
      seen.push({ t: Date.now(), v: m.get(GOOD_SERIES) });
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
});

afterAll(async () => {
  clearInterval(goodTimer);
  scraping = false;
  await scraper;
  goodWs?.terminate();
  await hub?.stop();
});

const expectRefused = (o: Outcome, reason: RejectReason) => {
  const want = REJECT_REASONS[reason] as { http?: number; close?: number };
  if (want.http) expect({ status: o.status }).toEqual({ status: want.http });
  // ws itself closes an oversized message with 1009 and its own reason text.
  else if (reason === 'too_large') expect({ code: o.code }).toEqual({ code: want.close });
  else expect({ code: o.code, reason: o.reason }).toEqual({ code: want.close, reason });
};

/** Say hello as `agentId`, then run `then` once welcomed. */
const afterHello = (agentId: string, then: (ws: WebSocket) => void) => (ws: WebSocket, msg?: Record<string, unknown>) => {
  if (!msg) ws.send(JSON.stringify(hello(agentId, 'boot-hostile-1')));
  else if (msg.type === 'welcome') then(ws);
};

const histogramRow = (): [string[], number[], number] => [['inbound'], new Array<number>(AGENT_FAMILIES.tcpHandshakeDuration.buckets.length + 1).fill(0), 0];

describe('hub under hostile clients', () => {
  const expected = new Map<RejectReason, number>();
  const count = (r: RejectReason, n = 1) => expected.set(r, (expected.get(r) ?? 0) + n);

  it('refuses each bad upgrade and bad message with its reason, while the good agent reports', async () => {
    const fleetAs = (agentId: string) => ({ token: fleet.token, agentId });
    const cases: [string, RejectReason, () => Promise<Outcome>][] = [
      ['no token', 'unauthorized', () => attempt(hub.port, { agentId: 'good-1' })],
      ['a wrong token', 'unauthorized', () => attempt(hub.port, { token: newToken().token, agentId: 'good-1' })],
      ["a token used for another agent's id", 'forbidden_agent', () => attempt(hub.port, fleetAs('good-1'))],
      ['no agent id header', 'bad_request', () => attempt(hub.port, { token: fleet.token })],
      ['no subprotocol', 'bad_request', () => attempt(hub.port, { ...fleetAs('hostile-proto'), protocols: ['chat'] })],
      ['malformed JSON', 'bad_json', () => attempt(hub.port, fleetAs('hostile-json'), (ws, m) => !m && ws.send('{"type":"hello",'))],
      ['valid JSON, wrong schema', 'bad_schema', () => attempt(hub.port, fleetAs('hostile-schema'), (ws, m) => !m && ws.send(JSON.stringify({ type: 'hello', protocol: 1, agentId: 'hostile-schema', extra: true })))],
      ['a newer protocol', 'unsupported_version', () => attempt(hub.port, fleetAs('hostile-v2'), (ws, m) => !m && ws.send(JSON.stringify({ ...hello('hostile-v2'), protocol: 2, newField: 1 })))],
      ['a hello for another agent', 'agent_mismatch', () => attempt(hub.port, fleetAs('hostile-a'), (ws, m) => !m && ws.send(JSON.stringify(hello('hostile-b'))))],
      ['a snapshot before hello', 'out_of_order', () => attempt(hub.port, fleetAs('hostile-order'), (ws, m) => !m && ws.send(JSON.stringify(snapshot('boot-hostile-1', 1, {}))))],
      ['no pongs', 'heartbeat_timeout', () => attempt(hub.port, { ...fleetAs('hostile-deaf'), ws: { autoPong: false } }, (ws, m) => !m && ws.send(JSON.stringify(hello('hostile-deaf'))))],
      ['silence', 'hello_timeout', () => attempt(hub.port, fleetAs('hostile-silent'))],
      ['100,000 series in 5,000 histogram rows (under the size limit)', 'too_many_series', () => attempt(hub.port, fleetAs('hostile-series'), afterHello('hostile-series', (ws) =>
        ws.send(JSON.stringify(snapshot('boot-hostile-1', 1, { [AGENT_FAMILIES.tcpHandshakeDuration.name]: Array.from({ length: 5000 }, histogramRow) })))))],
      ['100,000 series as 100,000 rows (over the size limit)', 'too_large', () => attempt(hub.port, fleetAs('hostile-huge'), afterHello('hostile-huge', (ws) =>
        ws.send(JSON.stringify(snapshot('boot-hostile-1', 1, { [PACKETS]: Array.from({ length: 100_000 }, () => [[], 1]) })))))],
      ['an oversized frame', 'too_large', () => attempt(hub.port, fleetAs('hostile-frame'), (ws, m) => !m && ws.send('x'.repeat(600 * 1024)))],
      ['a message flood', 'rate_limited', () => attempt(hub.port, fleetAs('hostile-flood'), afterHello('hostile-flood', (ws) => {
        for (let i = 1; i <= 500 && ws.readyState === ws.OPEN; i++) ws.send(JSON.stringify(snapshot('boot-hostile-1', i, { [PACKETS]: [[[], i]] })));
      }))],
      ['label values with quotes, backslashes and newlines', 'bad_label', () => attempt(hub.port, fleetAs('hostile-label'), afterHello('hostile-label', (ws) =>
        ws.send(JSON.stringify(snapshot('boot-hostile-1', 1, { [AGENT_FAMILIES.tlsHandshakes.name]: [[['1.3"} 1\nshakewatch_fake{a="', 'back\\slash'], 1]] })))))],
    ];
    const outcomes = await Promise.all(cases.map(([, , run]) => run()));
    cases.forEach(([what, reason], i) => {
      count(reason);
      try {
        expectRefused(outcomes[i], reason);
      } catch {
        throw new Error(`${what}: expected ${reason}, got ${JSON.stringify({ ...outcomes[i], messages: outcomes[i].messages.slice(0, 3) })}`);
      }
    });
    // The flood was acked up to its burst, then cut off.
    const flood = outcomes[cases.findIndex(([, r]) => r === 'rate_limited')];
    expect(flood.messages.filter((m) => m.type === 'ack').length).toBeLessThanOrEqual(20);

    // The same agent again: the older connection is superseded, the newer one keeps going.
    const first = connect(hub.port, fleetAs('hostile-dup'));
    const firstClosed = new Promise<number>((r) => first.once('close', (code) => r(code)));
    await new Promise<void>((r) => first.once('open', () => { first.send(JSON.stringify(hello('hostile-dup'))); first.once('message', () => r()); }));
    const second = await attempt(hub.port, fleetAs('hostile-dup'), (ws, m) => (!m ? ws.send(JSON.stringify(hello('hostile-dup'))) : ws.close(1000)));
    expect(await firstClosed).toBe(REJECT_REASONS.superseded.close);
    expect(second).toMatchObject({ code: 1000, messages: [{ type: 'welcome' }] });
    count('superseded');

    const text = await metrics();
    const m = samples(text);
    for (const [reason, n] of expected) expect({ reason, n: rejected(m, reason) }).toEqual({ reason, n });
    // Every reason is there from the start, at 0 if nothing was refused for it.
    for (const r of REJECT_REASON_CODES) expect(rejected(m, r)).toBeDefined();
    expect(m.get(GOOD_SERIES)).toBeGreaterThan(0);
    // The refused agents' series never showed (hostile-label is remembered: up 0, info).
    expect(text).not.toMatch(/shakewatch_fake|back\\\\slash|_total\{agent="hostile-/);
    expect(m.get('shakewatch_agent_up{agent="hostile-label"}')).toBe(0);
    // Still a valid exposition after all that.
    execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: text });
  });

  it('drops a slow-loris upgrade within the header timeout, and stays bounded under 10,000 fake agents', async () => {
    // Slow loris: upgrade headers a byte a second, on a raw socket, in the background.
    const loris = new Promise<{ seconds: number; reply: string }>((resolve) => {
      const started = Date.now();
      const s = net.connect(hub.port, '127.0.0.1');
      const headers = `GET /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Bearer ${fleet.token}\r\n`;
      let i = 0;
      let reply = '';
      const drip = setInterval(() => s.writable && s.write(headers[i++ % headers.length]), 1000);
      s.on('data', (d) => (reply += d.toString()));
      s.on('error', () => {});
      s.on('close', () => {
        clearInterval(drip);
        resolve({ seconds: (Date.now() - started) / 1000, reply });
      });
      setTimeout(() => s.destroy(), 30_000).unref();
    });

    const rssBefore = hub.rss();
    // Fill the hub with connected fakes until it is full, then 10,000 in all try to get in.
    const held: WebSocket[] = [];
    const fake = (n: number) => new Promise<'welcome' | 'hub_full' | string>((resolve) => {
      const id = `fake-${String(n).padStart(5, '0')}`;
      const ws = connect(hub.port, { token: fleet.token, agentId: id });
      ws.on('open', () => ws.send(JSON.stringify(hello(id, 'boot-fake-0001', 60))));
      ws.on('message', () => {
        held.push(ws);
        resolve('welcome');
      });
      ws.on('close', (code, reason) => resolve(code === REJECT_REASONS.hub_full.close ? 'hub_full' : `${code} ${reason}`));
      ws.on('error', (e) => resolve(`error ${e.message}`));
    });
    const results: string[] = [];
    let n = 0;
    while (n < MAX_AGENTS + 5) results.push(await fake(n++));
    const ids = Array.from({ length: 10_000 - n }, (_, i) => n + i);
    const started = Date.now();
    results.push(...(await pool(ids, 64, fake)));
    const fakeSeconds = (Date.now() - started) / 1000;
    const rssAfter = hub.rss();
    const welcomed = results.filter((r) => r === 'welcome').length;
    const full = results.filter((r) => r === 'hub_full').length;
    expect(results.filter((r) => r !== 'welcome' && r !== 'hub_full')).toEqual([]);
    expect(welcomed).toBeLessThan(MAX_AGENTS);
    expect(welcomed + full).toBe(10_000);
    count('hub_full', full);

    const m = samples(await metrics());
    expect(m.get('shakewatch_hub_known_agents')).toBe(MAX_AGENTS);
    expect(m.get('shakewatch_hub_connected_agents')).toBe(welcomed + 1);
    expect(rejected(m, 'hub_full')).toBe(full);
    // Bounded: 10,000 refused agents leave no trace but a counter.
    expect(rssAfter - rssBefore).toBeLessThan(80 * 1024 * 1024);
    expect(rssAfter).toBeLessThan(300 * 1024 * 1024);
    held.forEach((ws) => ws.close(1000));

    const { seconds, reply } = await loris;
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(seconds).toBeGreaterThanOrEqual(9);
    expect(seconds).toBeLessThan(13);
    process.stdout.write(`10,000 fake agents in ${fakeSeconds.toFixed(1)} s; hub RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(rssAfter / 2 ** 20).toFixed(0)} MiB; slow loris dropped after ${seconds.toFixed(1)} s\n`);
  });

  it("kept the good agent's series visible and updating throughout", async () => {
    const start = goodAcks.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(goodAcks.length).toBeGreaterThan(start);
    expect(goodWs.readyState).toBe(goodWs.OPEN);
    const scrapes = seen.slice(1);
    expect(scrapes.length).toBeGreaterThan(20);
    expect(scrapes.filter((s) => s.v === undefined)).toEqual([]);
    for (let i = 1; i < scrapes.length; i++) expect(scrapes[i].v!).toBeGreaterThanOrEqual(scrapes[i - 1].v!);
    // Never stuck: the value grew at least every 3 s.
    let lastChange = scrapes[0];
    for (const s of scrapes) {
      if (s.v !== lastChange.v) lastChange = s;
      expect(s.t - lastChange.t).toBeLessThan(3000);
    }
  });

  it('re-reads the tokens file on SIGHUP, and keeps the old tokens when the new file is bad', async () => {
    const extra = newToken();
    writeFileSync(tokensFile, `${good.hash} good-1\n${fleet.hash} fake-*,hostile-*\n${extra.hash} late-1\n`);
    hub.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 300));
    expect(await attempt(hub.port, { token: extra.token, agentId: 'late-1' }, (ws, m) => (!m ? ws.send(JSON.stringify(hello('late-1'))) : ws.close(1000)))).toMatchObject({ code: 1000 });
    writeFileSync(tokensFile, 'garbage\n');
    hub.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.logs()).toMatch(/"msg":"tokens file not reloaded, keeping the previous tokens"/);
    expect(await attempt(hub.port, { token: extra.token, agentId: 'late-1' }, (ws, m) => (!m ? ws.send(JSON.stringify(hello('late-1'))) : ws.close(1000)))).toMatchObject({ code: 1000 });
    // The secret never reaches the logs; at most 8 hex digits of a hash do.
    expect(hub.logs()).not.toContain(fleet.token);
    expect(hub.logs()).not.toContain(fleet.hash.slice(7, 7 + 9));
  });

  it('on SIGTERM: closes agents with 1001 and exits 0', async () => {
    clearInterval(goodTimer);
    scraping = false;
    await scraper;
    const closed = new Promise<number>((r) => goodWs.once('close', (code) => r(code)));
    const t0 = Date.now();
    expect(await hub.stop()).toBe(0);
    expect(await closed).toBe(1001);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('hub over TLS', () => {
  const pki = join(dir, 'pki');
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  let tlsHub: RunningHub;
  let mtlsHub: RunningHub;
  const read = (f: string) => readFileSync(join(pki, f));

  beforeAll(async () => {
    mkdirSync(pki);
    ssl('req', '-x509', ...ec, '-keyout', 'server.key', '-out', 'server.crt', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=shakewatch test CA');
    ssl('req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=good-1');
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
    const tls = { SHAKEWATCH_HUB_TOKENS_FILE: tokensFile, SHAKEWATCH_HUB_TLS_CERT_FILE: join(pki, 'server.crt'), SHAKEWATCH_HUB_TLS_KEY_FILE: join(pki, 'server.key') };
    writeFileSync(tokensFile, `${good.hash} good-1\n`);
    [tlsHub, mtlsHub] = await Promise.all([startHub(tls), startHub({ ...tls, SHAKEWATCH_HUB_TLS_CLIENT_CA_FILE: join(pki, 'ca.crt') })]);
  });
  afterAll(async () => {
    await Promise.all([tlsHub?.stop(), mtlsHub?.stop()]);
  });

  const sayHello = (ws: WebSocket, m?: Record<string, unknown>) => (!m ? ws.send(JSON.stringify(hello('good-1'))) : ws.close(1000));

  it('serves wss and https with a self-signed certificate the client trusts', async () => {
    expect(tlsHub.logs()).toMatch(/"tls":true.*"msg":"hub listening"/);
    const url = `wss://127.0.0.1:${tlsHub.port}/ingest`;
    const o = await attempt(tlsHub.port, { token: good.token, agentId: 'good-1', url, ws: { ca: read('server.crt') } }, sayHello);
    expect(o).toMatchObject({ code: 1000, messages: [{ type: 'welcome', protocol: 1, lastSeq: 0 }] });
    // Without trusting it, the client refuses the hub.
    expect((await attempt(tlsHub.port, { token: good.token, agentId: 'good-1', url }, sayHello)).error).toMatch(/self-signed|self signed/);
    const body = await new Promise<string>((resolve, reject) => https.get(`https://127.0.0.1:${tlsHub.port}/healthz`, { ca: read('server.crt') }, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve(`${res.statusCode} ${b}`));
    }).on('error', reject));
    expect(body).toBe('200 ok');
  });

  it('requires a client certificate signed by the configured CA', async () => {
    const url = `wss://127.0.0.1:${mtlsHub.port}/ingest`;
    const base = { token: good.token, agentId: 'good-1', url };
    const without = await attempt(mtlsHub.port, { ...base, ws: { ca: read('server.crt') } }, sayHello);
    expect(without.messages).toEqual([]);
    expect(without.error ?? `closed ${without.code}`).toMatch(/certificate|socket hang up|ECONNRESET|closed 1006/i);
    const withCert = await attempt(mtlsHub.port, { ...base, ws: { ca: read('server.crt'), cert: read('client.crt'), key: read('client.key') } }, sayHello);
    expect(withCert).toMatchObject({ code: 1000, messages: [{ type: 'welcome' }] });
    // A certificate from another CA is refused too.
    const other = await attempt(mtlsHub.port, { ...base, ws: { ca: read('server.crt'), cert: read('server.crt'), key: read('server.key') } }, sayHello);
    expect(other.messages).toEqual([]);
  });
});

describe('hub command line', () => {
  it('hash-token prints the sha256 line of the token on stdin', () => {
    const r = runHub(['hash-token'], {}, 's3cret-token\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`sha256:${createHash('sha256').update('s3cret-token').digest('hex')}\n`);
    const empty = runHub(['hash-token'], {}, '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/^shakewatch-hub: hash-token: no token on stdin/);
  });

  it('lists every configuration problem in one line and exits 2', () => {
    const r = runHub([], { SHAKEWATCH_HUB_PORT: '99999', SHAKEWATCH_HUB_MAX_AGENTS: 'lots', SHAKEWATCH_HUB_TLS_CERT_FILE: join(dir, 'nope.crt'), SHAKEWATCH_HUB_LOG_LEVEL: 'loud' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const want of ['SHAKEWATCH_HUB_PORT', 'SHAKEWATCH_HUB_MAX_AGENTS', 'SHAKEWATCH_HUB_TOKENS_FILE: required', 'SHAKEWATCH_HUB_LOG_LEVEL', 'set both or neither', 'nope.crt: no such file']) expect(lines[0]).toContain(want);
    expect(lines[0]).not.toMatch(/\bat \S+:\d+/);
  });

  it('names the bad line of a malformed tokens file', () => {
    const bad = join(dir, 'bad-tokens');
    writeFileSync(bad, `# ok\n${good.hash} good-1\n${good.hash.slice(0, 40)} web-*\n`);
    const r = runHub([], { SHAKEWATCH_HUB_TOKENS_FILE: bad });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`shakewatch-hub: invalid configuration (1 problem): SHAKEWATCH_HUB_TOKENS_FILE: tokens file ${bad} line 3: the hash must be 64 hex digits (the SHA-256 of the token: run \`hash-token\`)\n`);
    const missing = runHub([], { SHAKEWATCH_HUB_TOKENS_FILE: join(dir, 'missing') });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read tokens file');
  });

  it('--help lists the settings', () => {
    const r = runHub(['--help'], {});
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SHAKEWATCH_HUB_TOKENS_FILE');
    expect(r.stdout).toContain('hash-token');
  });
});
