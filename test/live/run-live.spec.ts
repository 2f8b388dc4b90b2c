import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT } from '../support/agent-cli';
import { canCaptureLive, makeNetnsPair, waitForLine, type NetnsPair } from '../support/netns';
import { samples, sumOf } from '../support/prometheus-text';

const live = canCaptureLive();
if (!live) process.stderr.write('run-live.spec: SKIPPED: live capture needs root (CAP_NET_RAW, CAP_NET_ADMIN) to make namespaces and open interfaces\n');
const describeLive = live ? describe : describe.skip;

// Real curl traffic between two namespaces; the agent captures live in the client's one,
// tcpdump records the same interface so tshark can check the latencies independently.
describeLive('run --interface: live capture of real traffic', () => {
  let net: NetnsPair;
  const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-live-'));

  beforeAll(() => {
    net = makeNetnsPair('swl', '10.98.0');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem'), '-days', '2', '-subj', '/CN=shakewatch.test'], { stdio: 'ignore' });
    writeFileSync(join(tmp, 'servers.js'), `
      const http = require('http'), https = require('https'), fs = require('fs');
      const ok = (q, s) => { s.setHeader('connection', 'close'); s.end('ok\\n'); };
      http.createServer(ok).listen(8080, '${'10.98.0.2'}');
      https.createServer({ key: fs.readFileSync('${join(tmp, 'key.pem')}'), cert: fs.readFileSync('${join(tmp, 'cert.pem')}') }, ok).listen(8443, '10.98.0.2', () => console.log('ready'));
    `);
  }, 60_000);
  afterAll(() => net?.destroy());

  it('counts what curl did, with the latencies tcpdump saw', async () => {
    const servers = net.spawn(net.server, [process.execPath, join(tmp, 'servers.js')]);
    await waitForLine(servers, /ready/);
    const pcap = join(tmp, 'tcpdump.pcap');
    const tcpdump = net.spawn(net.client, ['tcpdump', '-i', net.clientIf, '-U', '--immediate-mode', '-Z', 'root', '--time-stamp-precision=nano', '-w', pcap, 'tcp']);
    await waitForLine(tcpdump, /listening on/);
    const agent = net.spawn(net.client, [process.execPath, AGENT, 'run', '-i', net.clientIf, '--print-metrics', '--agent-id', 'live', '--interval-seconds', '3600']);
    let stdout = '';
    agent.stdout!.on('data', (d) => (stdout += d));
    await waitForLine(agent, /"msg":"capturing"/);

    const curl = (args: string[]) => net.exec(net.client, ['curl', '-s', '-o', '/dev/null', '--max-time', '5', ...args]);
    for (let i = 0; i < 5; i++) expect(curl([`http://${net.serverIp}:8080/${i}`]).status).toBe(0);
    expect(curl([`http://${net.serverIp}:9/refused`]).status).not.toBe(0);
    expect(curl(['-k', '--tlsv1.3', `https://${net.serverIp}:8443/`]).status).toBe(0);
    expect(curl(['-k', '--tls-max', '1.2', `https://${net.serverIp}:8443/`]).status).toBe(0);
    await new Promise((r) => setTimeout(r, 500));

    agent.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => agent.on('close', r));
    tcpdump.kill('SIGINT');
    await new Promise((r) => tcpdump.on('close', r));
    expect(code).toBe(0);

    const m = samples(stdout);
    const get = (k: string) => m.get(k) ?? 0;
    // The agent runs in the client's namespace: its interfaces' address makes every connection outbound.
    // Ports 8080 and 8443 answered handshakes and have their own value; the refused port 9 is "other".
    expect(get('shakewatch_tcp_connections_total{agent="live",direction="outbound",port="other",conn_state="REJ"}')).toBe(1);
    expect(get('shakewatch_tcp_resets_total{agent="live",direction="outbound",port="other",sender="server",phase="handshake"}')).toBe(1);
    expect(sumOf(stdout, 'shakewatch_tcp_connections_total', { direction: 'outbound', port: '8080' })).toBe(5);
    expect(sumOf(stdout, 'shakewatch_tcp_connections_total', { direction: 'outbound', port: '8443' })).toBe(2);
    expect(sumOf(stdout, 'shakewatch_tcp_connections_total', { direction: 'inbound' }) + sumOf(stdout, 'shakewatch_tcp_connections_total', { direction: 'unknown' })).toBe(0);
    expect(sumOf(stdout, 'shakewatch_agent_label_values_folded_total', { label: 'port' })).toBe(1);
    expect(get('shakewatch_tcp_handshake_duration_seconds_count{agent="live",direction="outbound"}')).toBe(7);
    const tls = [...m].filter(([k]) => k.startsWith('shakewatch_tls_handshakes_total'));
    expect(tls.map(([k, v]) => [k.match(/version="([^"]+)"/)?.[1], v]).sort()).toEqual([['1.2', 1], ['1.3', 1]]);
    expect(get('shakewatch_capture_packets_total{agent="live"}')).toBeGreaterThan(50);
    expect(get('shakewatch_capture_dropped_packets_total{agent="live",where="kernel"}')).toBe(0);

    // Independent check of the latencies: tshark's iRTT of the same handshakes, from tcpdump's capture.
    const rows = execFileSync('tshark', ['-r', pcap, '-n', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.analysis.initial_rtt', '-Y', 'tcp.analysis.initial_rtt && !(tcp.flags.reset == 1)'], { encoding: 'utf8' });
    const firstPerStream = new Map<string, number>();
    for (const line of rows.trim().split('\n')) {
      const [stream, rtt] = line.split('\t');
      if (!firstPerStream.has(stream)) firstPerStream.set(stream, Number(rtt));
    }
    expect(firstPerStream.size).toBe(7);
    const tsharkSum = [...firstPerStream.values()].reduce((a, b) => a + b, 0);
    const ourSum = get('shakewatch_tcp_handshake_duration_seconds_sum{agent="live",direction="outbound"}');
    expect(Math.abs(ourSum - tsharkSum)).toBeLessThan(7 * 5e-6); // a few microseconds per handshake
  }, 90_000);
});
