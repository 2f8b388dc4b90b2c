import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT } from '../support/agent-cli';
import { totalsFromInspect, totalsFromSamples } from '../support/inspect-totals';
import { canCaptureLive, makeNetnsPair, waitForLine, type NetnsPair } from '../support/netns';
import { parseSamples, samples, sumOf } from '../support/prometheus-text';

const live = canCaptureLive();
if (!live) process.stderr.write('bypass-live.spec: SKIPPED: live capture needs root (CAP_NET_RAW, CAP_NET_ADMIN) to make namespaces and open interfaces\n');
const describeLive = live ? describe : describe.skip;

const MIB = 1024 * 1024;
const BULK_MIB = 16;

/**
 * The flow bypass on real traffic (issue 12): bulk TLS and HTTP downloads and a churn of
 * short TLS connections between two namespaces made here. Two agents capture the client's
 * interface at once, one with the bypass (the default), one with --no-bypass, and tcpdump
 * records it: both agents' metrics equal what `inspect` says of tcpdump's capture, and the
 * bypass counters show the bulk went around JavaScript.
 */
describeLive('run --interface with the flow bypass: bulk downloads', () => {
  let net: NetnsPair;
  const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-bypass-'));

  beforeAll(() => {
    net = makeNetnsPair('swbp', '10.97.0');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem'), '-days', '2', '-subj', '/CN=shakewatch.test'], { stdio: 'ignore' });
    // /bulk/N: N MiB; anything else a few bytes. Keep-alive allowed (curl may ask for two URLs on one connection).
    writeFileSync(join(tmp, 'servers.js'), `
      const http = require('http'), https = require('https'), fs = require('fs');
      const chunk = Buffer.alloc(65536, 0x5a);
      const serve = (q, s) => {
        const m = /^\\/bulk\\/(\\d+)$/.exec(q.url);
        if (!m) return s.end('ok\\n');
        let left = Number(m[1]) * 16;
        s.setHeader('content-length', left * 65536);
        const more = () => { while (left > 0) { left--; if (!s.write(chunk)) return s.once('drain', more); } s.end(); };
        more();
      };
      let up = 0; const ready = () => { if (++up === 2) console.log('ready'); };
      http.createServer(serve).listen(8080, '10.97.0.2', ready);
      https.createServer({ key: fs.readFileSync('${join(tmp, 'key.pem')}'), cert: fs.readFileSync('${join(tmp, 'cert.pem')}') }, serve).listen(8443, '10.97.0.2', ready);
    `);
  }, 60_000);
  afterAll(() => net?.destroy());

  const collect = (child: ChildProcess) => {
    const out = { stdout: '', stderr: '' };
    child.stdout!.on('data', (d) => (out.stdout += d));
    child.stderr!.on('data', (d) => (out.stderr += d));
    return out;
  };
  const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('close', r)));

  it('reports what inspect reports of the same traffic, with the bulk bypassed', async () => {
    const servers = net.spawn(net.server, [process.execPath, join(tmp, 'servers.js')]);
    await waitForLine(servers, /ready/);
    const pcap = join(tmp, 'tcpdump.pcap');
    const tcpdump = net.spawn(net.client, ['tcpdump', '-i', net.clientIf, '-U', '-B', '131072', '-Z', 'root', '--time-stamp-precision=nano', '-w', pcap, 'tcp']);
    await waitForLine(tcpdump, /listening on/);
    const agentArgs = ['run', '-i', net.clientIf, '--print-metrics', '--interval-seconds', '3600'];
    const withBypass = net.spawn(net.client, [process.execPath, AGENT, ...agentArgs, '--agent-id', 'bypass']);
    // Without the bypass the agent decodes every bulk segment: a larger buffer carries it through the bursts.
    const without = net.spawn(net.client, [process.execPath, AGENT, ...agentArgs, '--agent-id', 'nobypass', '--no-bypass', '--buffer-mib', '512']);
    const a = collect(withBypass);
    const b = collect(without);
    await Promise.all([waitForLine(withBypass, /"msg":"capturing"/), waitForLine(without, /"msg":"capturing"/)]);

    const curl = (args: string[]) => net.spawn(net.client, ['curl', '-s', '-o', '/dev/null', '--max-time', '60', '-w', '%{http_code} %{size_download}\\n', ...args]);
    const url = (path: string, tls = true) => (tls ? `https://${net.serverIp}:8443${path}` : `http://${net.serverIp}:8080${path}`);
    // Bulk: three long TLS downloads (1.3, 1.3, 1.2), one plain HTTP; one keep-alive connection with two downloads.
    const bulk = [
      curl(['-k', '--tlsv1.3', url(`/bulk/${BULK_MIB}`)]),
      curl(['-k', '--tlsv1.3', url(`/bulk/${BULK_MIB}`)]),
      curl(['-k', '--tls-max', '1.2', url(`/bulk/${BULK_MIB}`)]),
      curl([url(`/bulk/${BULK_MIB}`, false)]),
      curl(['-k', url('/bulk/4'), url('/bulk/4')]),
    ].map((c) => ({ out: collect(c), done: exited(c) }));
    // Churn: short TLS connections meanwhile, one at a time (each a new connection).
    for (let i = 0; i < 20; i++) {
      const c = curl(['-k', i % 2 ? '--tlsv1.3' : '--tls-max', ...(i % 2 ? [] : ['1.2']), url(`/small/${i}`)]);
      expect(await exited(c)).toBe(0);
    }
    for (const x of bulk) expect(await x.done).toBe(0);
    const downloaded = bulk.flatMap((x) => x.out.stdout.trim().split('\n')).map((l) => Number(l.split(' ')[1]));
    expect(downloaded).toEqual([BULK_MIB * MIB, BULK_MIB * MIB, BULK_MIB * MIB, BULK_MIB * MIB, 4 * MIB, 4 * MIB]);
    // tcpdump writes 70 MB to disk and may lag behind the traffic: wait (at most 30 s) until its file stops growing.
    for (let last = -1, i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const size = statSync(pcap).size;
      if (size === last) break;
      last = size;
    }

    withBypass.kill('SIGTERM');
    without.kill('SIGTERM');
    expect(await exited(withBypass)).toBe(0);
    expect(await exited(without)).toBe(0);
    tcpdump.kill('SIGINT');
    await exited(tcpdump);
    expect(statSync(pcap).size).toBeGreaterThan(4 * BULK_MIB * MIB);

    // The capture tcpdump made of the same packets, as inspect reads it, is what both agents report.
    const expected = totalsFromInspect(pcap);
    expect([...expected].filter(([k]) => k.startsWith('shakewatch_tcp_connections_total')).reduce((n, [, v]) => n + v, 0)).toBe(25);
    process.stderr.write(`bypass-live.spec: kernel drops: with the bypass ${samples(a.stdout).get('shakewatch_capture_dropped_packets_total{agent="bypass",where="kernel"}')}, without ${samples(b.stdout).get('shakewatch_capture_dropped_packets_total{agent="nobypass",where="kernel"}')}\n`);
    const withSamples = parseSamples(a.stdout);
    const withoutSamples = parseSamples(b.stdout);
    expect(totalsFromSamples(withSamples)).toEqual(expected);
    expect(totalsFromSamples(withoutSamples)).toEqual(expected);
    // Latencies too (the handshakes are read before any bypass), to within what two sockets'
    // timestamps of the same packets differ by (each capture stamps a veth packet itself).
    for (const name of ['shakewatch_tcp_handshake_duration', 'shakewatch_tls_handshake_duration']) {
      const n = sumOf(withSamples, `${name}_seconds_count`);
      expect(n).toBe(sumOf(withoutSamples, `${name}_seconds_count`));
      expect(n).toBeGreaterThanOrEqual(24);
      expect(Math.abs(sumOf(withSamples, `${name}_seconds_sum`) - sumOf(withoutSamples, `${name}_seconds_sum`))).toBeLessThan(n * 50e-6);
    }
    for (const s of [a.stdout, b.stdout]) expect(samples(s).get(`shakewatch_capture_dropped_packets_total{agent="${s === a.stdout ? 'bypass' : 'nobypass'}",where="kernel"}`)).toBe(0);

    // The bulk went around JavaScript: most of its bytes were counted and dropped in C.
    const m = samples(a.stdout);
    const get = (k: string) => m.get(`shakewatch_agent_${k}`) ?? -1;
    const bypassedBytes = get('bypassed_bytes_total{agent="bypass"}');
    process.stderr.write(`bypass-live.spec: ${get('bypass_packets_total{agent="bypass",result="bypassed"}')} packets, ${bypassedBytes} bytes bypassed ` +
      `of ${get('bypass_table_total{agent="bypass",event="added"}')} connections (${get('bypass_table_total{agent="bypass",event="late"}')} late); capture packets ${m.get('shakewatch_capture_packets_total{agent="bypass"}')}\n`);
    expect(bypassedBytes).toBeGreaterThan(0.9 * (4 * BULK_MIB + 8) * MIB);
    expect(get('bypass_packets_total{agent="bypass",result="bypassed"}')).toBeGreaterThan(0.8 * m.get('shakewatch_capture_packets_total{agent="bypass"}')!);
    // every connection that carried data both ways was named: put in the table (and left it at
    // its FIN or RST), or refused as late when its FIN had already been let through
    const added = get('bypass_table_total{agent="bypass",event="added"}');
    expect(added + get('bypass_table_total{agent="bypass",event="late"}')).toBe(25);
    expect(added).toBeGreaterThanOrEqual(5);
    expect(get('bypass_table_total{agent="bypass",event="left_on_flags"}')).toBe(added);
    expect(get('bypass_table_total{agent="bypass",event="full"}')).toBe(0);
    expect(get('bypass_connections{agent="bypass"}')).toBe(0);
    expect(get('bypass_packets_total{agent="bypass",result="not_understood"}')).toBe(0);
    expect([...samples(b.stdout).keys()].filter((k) => k.startsWith('shakewatch_agent_bypass'))).toEqual([]);
    expect(b.stderr).toMatch(/no bypass/);
  }, 180_000);
});
