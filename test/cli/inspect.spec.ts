import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agent, AGENT, FIXTURES, ndjson } from '../support/agent-cli';

const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-inspect-'));
const fx = (name: string) => join(FIXTURES, name);

/** One clear line on stderr, no stack trace, non-zero exit. */
function expectOneLineError(r: ReturnType<typeof agent>, pattern: RegExp): void {
  expect(r.status).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('inspect --format ndjson', () => {
  it('prints one ECS event per connection with the DESIGN.md fields', () => {
    const r = agent(['inspect', fx('tcp-mixed.pcapng'), '--format', 'ndjson']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const events = ndjson(r.stdout);
    expect(events.map((e) => e.tcp.conn_state)).toEqual(['SF', 'REJ', 'RSTR', 'RSTO', 'SF']);
    for (const e of events) {
      expect(e['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(typeof e.event.duration).toBe('number');
      expect(e.network).toEqual({ type: 'ipv4', transport: 'tcp' });
      expect(e.source.ip).toMatch(/^(10\.77\.0\.1|127\.0\.0\.1)$/);
      expect(e.destination.port).toBeGreaterThan(0);
      expect(typeof e.tcp.history).toBe('string');
      expect(typeof e.tcp.syn_retransmits).toBe('number');
    }
    expect(events[1].tcp.reset_sender).toBe('server');
    expect(events[1].tcp.handshake).toBeUndefined();
    expect(events[3].tcp.reset_sender).toBe('client');
    expect(events[0].tcp.handshake.rtt_seconds).toBeGreaterThan(0);
  });

  it('prints IPv6 addresses in their RFC 5952 form', () => {
    const events = ndjson(agent(['inspect', fx('tcp-ipv6.pcap'), '-f', 'ndjson']).stdout);
    expect(events.map((e) => [e.source.ip, e.destination.ip, e.network.type])).toEqual([
      ['fd77::1', 'fd77::2', 'ipv6'],
      ['fd77::1', 'fd77::2', 'ipv6'],
    ]);
  });
});

describe('inspect --format text', () => {
  it('draws the ladder with relative seq/ack and the hand checks', () => {
    const r = agent(['inspect', fx('tcp-normal-close.pcap')]);
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/connection 0 {2}10\.77\.0\.1:\d+ -> 10\.77\.0\.2:8080 {2}conn_state SF/);
    expect(out).toMatch(/C --> S\s+SYN\s+0\s+-\s+0/);
    expect(out).toMatch(/C <-- S\s+SYN, ACK\s+0\s+1\s+0\s+\d+\s+ack = SYN seq \+ 1 ✓/);
    expect(out).toMatch(/handshake complete/);
    expect(out).toMatch(/the FIN consumed one sequence number/);
    expect(out).toMatch(/handshake: iRTT 0\.\d{6} s = SYN->SYN-ACK 0\.\d{6} s \+ SYN-ACK->ACK 0\.\d{6} s/);
    expect(out).toMatch(/^summary: 30 packets, 30 TCP, 3 connections$/m);
  });

  it('explains refusals, aborts and unanswered SYNs', () => {
    expect(agent(['inspect', fx('tcp-refused.pcap')]).stdout).toMatch(/connection refused/);
    expect(agent(['inspect', fx('tcp-server-abort.pcap')]).stdout).toMatch(/first RST from the server during established/);
    expect(agent(['inspect', fx('tcp-syn-unanswered.pcap')]).stdout).toMatch(/SYN sent 4 times never answered/);
    expect(agent(['inspect', fx('tcp-half-close.pcap')]).stdout).toMatch(/half-close: still sending after the peer’s FIN/);
  });
});

describe('inspect on bad input', () => {
  it('names a missing file, a directory and a non-capture in one line', () => {
    expectOneLineError(agent(['inspect', join(tmp, 'nope.pcap')]), /^shakewatch: cannot read .*nope\.pcap: no such file$/);
    expectOneLineError(agent(['inspect', tmp]), /it is a directory/);
    const text = join(tmp, 'notes.txt');
    writeFileSync(text, 'hello, not a capture\n');
    expectOneLineError(agent(['inspect', text]), /not a pcap or pcapng file/);
    const empty = join(tmp, 'empty.pcap');
    writeFileSync(empty, '');
    expectOneLineError(agent(['inspect', empty]), /empty file/);
  });

  it('prints every connection before the damage of a truncated file, then fails', () => {
    const whole = readFileSync(fx('tcp-normal-close.pcap'));
    const cut = join(tmp, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 30));
    const r = agent(['inspect', cut, '-f', 'ndjson']);
    expectOneLineError(r, /truncated capture \(after 29 good packets\)$/);
    expect(ndjson(r.stdout)).toHaveLength(3);
  });

  it('rejects bad arguments with a hint, and --help works', () => {
    const bad = agent(['inspect', fx('tcp-ipv6.pcap'), '--format', 'xml']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/Allowed choices are text, ndjson/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const missing = agent(['inspect']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/missing required argument 'file'/);
    const help = agent(['inspect', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--format <format>/);
  });

  it('caps the connections it tracks with --max-connections, evicting the least recently seen', () => {
    const all = ndjson(agent(['inspect', fx('tcp-mixed.pcapng'), '-f', 'ndjson']).stdout);
    const capped = ndjson(agent(['inspect', fx('tcp-mixed.pcapng'), '-f', 'ndjson', '--max-connections', '1']).stdout);
    expect(capped).toHaveLength(all.length);
    expect(all.some((e) => e.event.reason === 'evicted')).toBe(false);
    expect(capped.filter((e) => e.event.reason === 'evicted').length).toBeGreaterThan(0);
    const bad = agent(['inspect', fx('tcp-mixed.pcapng'), '--max-connections', '0']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--max-connections must be a whole number from 1 to 1000000000/);
  });

  it('shows progress on stderr when asked (--progress), never on stdout', () => {
    const plain = agent(['inspect', fx('tcp-mixed.pcapng'), '-f', 'ndjson']);
    const r = agent(['inspect', fx('tcp-mixed.pcapng'), '-f', 'ndjson', '--progress']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(plain.stderr).toBe('');
    expect(r.stderr).toMatch(/inspect \[[-=]+\] 100% \| \d+\/1 MiB \| 36 packets/);
  });

  it('runs as an executable (its first line starts Node with a small young generation), with the same output', () => {
    expect(readFileSync(AGENT, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=2');
    const direct = spawnSync(AGENT, ['inspect', fx('tcp-mixed.pcapng'), '-f', 'ndjson'], { encoding: 'utf8' });
    expect(direct.status).toBe(0);
    expect(direct.stdout).toBe(agent(['inspect', fx('tcp-mixed.pcapng'), '-f', 'ndjson']).stdout);
  });

  it('ends quietly when its reader goes away (| head)', () => {
    const r = spawnSync('bash', ['-c', `node ${AGENT} inspect ${fx('tls-basic.pcap')} | head -1`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^connection 0/);
    expect(r.stderr).toBe('');
  });
});
