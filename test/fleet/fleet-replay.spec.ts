import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agent, FIXTURES } from '../support/agent-cli';
import { makeTokens, scrape, startHub, type HubProcess, type TokenSet } from '../support/hub-process';
import { totalsFromInspect, totalsFromSamples } from '../support/inspect-totals';
import { parseSamples, samples } from '../support/prometheus-text';

// Replays of the project's recorded captures through a real hub: /metrics must say what
// `inspect` says of the same files, and one fixed replay is compared whole with a golden
// scrape (as node_exporter's end-to-end test does), which promtool must find clean.
jest.setTimeout(120_000);

/** Every capture the project recorded (test/fixtures/captures/MANIFEST.md, TLS-MANIFEST.md). */
const REPLAYS = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
const GOLDEN = join(__dirname, 'golden/replay-scrape.prom');

let tokens: TokenSet;
let hub: HubProcess;
let text: string;

function replay(file: string, id: string, extra: string[] = []): void {
  const r = agent(['run', '--read', join(FIXTURES, file), '--hub', hub.url, '--token-file', tokens.tokenFile('replay-*'), '--agent-id', id, '--log-level', 'warn', ...extra]);
  if (r.status !== 0) throw new Error(`replay of ${file} exited ${r.status}: ${r.stderr}`);
}

beforeAll(async () => {
  tokens = makeTokens(['replay-*']);
  hub = await startHub(tokens.hubFile, { SHAKEWATCH_HUB_GRACE_SECONDS: '300' });
  for (const f of REPLAYS) replay(f, `replay-${f.replace(/\W/g, '-')}`);
  // the golden replay: one capture, with the host's address given so direction is known, and a configured port list
  replay('tcp-mixed.pcapng', 'replay-golden', ['--local-address', '10.77.0.2', '--ports', '8080,8081,80']);
  text = await scrape(hub);
}, 120_000);

afterAll(async () => {
  await hub?.stop();
});

/** The hub's series for one agent, summed as totalsFromInspect sums what inspect says. */
const fromHub = (id: string) => totalsFromSamples(parseSamples(text).filter((s) => s.labels.agent === id));

it.each(REPLAYS)('%s: the hub\'s totals equal what inspect reports', (file) => {
  const want = totalsFromInspect(join(FIXTURES, file));
  expect(want.size).toBeGreaterThan(0);
  expect(Object.fromEntries(fromHub(`replay-${file.replace(/\W/g, '-')}`))).toEqual(Object.fromEntries(want));
});

it('every replayed agent is up with its info, and replays without local addresses say direction="unknown"', () => {
  for (const f of REPLAYS) {
    const id = `replay-${f.replace(/\W/g, '-')}`;
    const s = samples(text);
    expect([id, [...s].filter(([k]) => k.startsWith(`shakewatch_agent_info{agent="${id}"`)).length]).toEqual([id, 1]);
    const dirs = new Set([...s].filter(([k]) => k.startsWith(`shakewatch_tcp_connections_total{agent="${id}"`)).map(([k]) => /direction="(\w+)"/.exec(k)?.[1]));
    expect([...dirs]).toEqual(['unknown']);
  }
});

/** The golden replay's agent series, with the values that change from run to run masked. */
function goldenPart(scrapeText: string): string {
  return scrapeText.split('\n').filter((l) => l.includes('agent="replay-golden"'))
    .map((l) => l.replace(/^(shakewatch_agent_(?:start_time_seconds|last_seen_timestamp_seconds)\{[^}]*\}) .*$/, '$1 <time>').replace(/^(shakewatch_agent_info\{.*?)version="[^"]*"/, '$1version="<version>"').replace(/hostname="[^"]*"/, 'hostname="<host>"'))
    .join('\n') + '\n';
}

it('a fixed replay gives the golden scrape, line for line', () => {
  const got = goldenPart(text);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    if (process.env.CI) throw new Error(`${GOLDEN} is missing: run UPDATE_GOLDEN=1 npx jest test/fleet/fleet-replay locally and review it`);
    writeFileSync(GOLDEN, got);
  }
  expect(got).toBe(readFileSync(GOLDEN, 'utf8'));
});

it('the whole scrape passes promtool check metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shakewatch-scrape-'));
  writeFileSync(join(dir, 'metrics.prom'), text);
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  expect(r.error).toBeUndefined();
  expect([r.status, r.stdout + r.stderr]).toEqual([0, '']);
});

describe('an agent publishing over wss:// with a client certificate', () => {
  let tlsHub: HubProcess;
  const pki = mkdtempSync(join(tmpdir(), 'shakewatch-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  beforeAll(async () => {
    ssl('req', '-x509', ...ec, '-keyout', 'server.key', '-out', 'server.crt', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=shakewatch test CA');
    ssl('req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=replay-tls');
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
    tlsHub = await startHub(tokens.hubFile, {
      SHAKEWATCH_HUB_GRACE_SECONDS: '300',
      SHAKEWATCH_HUB_TLS_CERT_FILE: join(pki, 'server.crt'), SHAKEWATCH_HUB_TLS_KEY_FILE: join(pki, 'server.key'), SHAKEWATCH_HUB_TLS_CLIENT_CA_FILE: join(pki, 'ca.crt'),
    });
  }, 60_000);
  afterAll(async () => {
    await tlsHub?.stop();
  });

  const wss = () => `wss://127.0.0.1:${tlsHub.port}/ingest`;
  const metrics = async () => {
    const r = spawnSync('curl', ['-s', '--cacert', join(pki, 'server.crt'), '--cert', join(pki, 'client.crt'), '--key', join(pki, 'client.key'), `https://127.0.0.1:${tlsHub.port}/metrics`], { encoding: 'utf8' });
    return samples(r.stdout);
  };

  it('delivers its totals when it trusts the hub\'s certificate and shows its own', async () => {
    const r = agent(['run', '--read', join(FIXTURES, 'tls-versions.pcap'), '--hub', wss(), '--token-file', tokens.tokenFile('replay-*'), '--agent-id', 'replay-tls',
      '--hub-ca-file', join(pki, 'server.crt'), '--hub-cert-file', join(pki, 'client.crt'), '--hub-key-file', join(pki, 'client.key'), '--log-level', 'info']);
    expect([r.status, r.stderr]).toEqual([0, expect.stringMatching(/"msg":"connected to hub"/)]);
    const m = await metrics();
    const want = totalsFromInspect(join(FIXTURES, 'tls-versions.pcap')).get('shakewatch_tcp_connections_total conn_state=SF');
    expect(want).toBeGreaterThan(0);
    expect([...m].filter(([k]) => k.startsWith('shakewatch_tcp_connections_total{agent="replay-tls"') && k.includes('conn_state="SF"')).reduce((a, [, v]) => a + v, 0)).toBe(want);
  });

  it('is refused without a client certificate, says so, and still exits 0 after its bounded wait', () => {
    const r = agent(['run', '--read', join(FIXTURES, 'tls-versions.pcap'), '--hub', wss(), '--token-file', tokens.tokenFile('replay-*'), '--agent-id', 'replay-tls-nocert',
      '--hub-ca-file', join(pki, 'server.crt'), '--log-level', 'info', '--hub-retry-max-seconds', '1']);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/"msg":"connected to hub"/);
    expect(r.stderr).toMatch(/"msg":"(cannot reach hub|hub connection lost|hub refused the connection)"/);
    expect(r.stderr).toMatch(/"msg":"final snapshot not acknowledged by a hub"/);
  });
});
