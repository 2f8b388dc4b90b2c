import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeNamespace, waitForLine } from './netns';

/**
 * One network namespace joined to this (root) namespace by a veth pair: the host end
 * (`hostIf`, `hostIp`) is where an agent running here captures, and the peer is a
 * remote host for real traffic both ways. Traffic goes only between the two ends.
 */
export interface NetnsPeer {
  ns: string;
  hostIf: string;
  hostIp: string;
  peerIp: string;
  exec(cmd: string[], opts?: { timeout?: number }): ReturnType<typeof spawnSync>;
  spawn(cmd: string[]): ChildProcess;
  destroy(): void;
}

export function makeNetnsPeer(tag: string, subnet: string): NetnsPeer {
  const ns = `${tag}-ns`;
  const hostIf = `${tag}h0`;
  const peerIf = `${tag}p0`;
  const hostIp = `${subnet}.1`;
  const peerIp = `${subnet}.2`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  spawnSync('ip', ['netns', 'del', ns]);
  spawnSync('ip', ['link', 'del', hostIf]);
  ip('netns', 'add', ns);
  ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf, 'netns', ns);
  ip('addr', 'add', `${hostIp}/24`, 'dev', hostIf);
  ip('link', 'set', hostIf, 'up');
  ip('-n', ns, 'addr', 'add', `${peerIp}/24`, 'dev', peerIf);
  ip('-n', ns, 'link', 'set', peerIf, 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  const children: ChildProcess[] = [];
  return {
    ns, hostIf, hostIp, peerIp,
    exec: (cmd, opts = {}) => spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: opts.timeout ?? 30_000 }),
    spawn: (cmd) => {
      const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    destroy: () => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      removeNamespace(ns);
      spawnSync('ip', ['link', 'del', hostIf]);
    },
  };
}

/** Ports the test servers answer on (in the namespace, and on the host end). */
export const PORTS = { http: 8080, https: 8443, reset: 8081, refused: 9 } as const;

const SERVERS = (dir: string, bind: string) => `
  const http = require('http'), https = require('https'), net = require('net'), fs = require('fs');
  const ok = (q, s) => { s.setHeader('connection', 'close'); s.end('ok\\n'); };
  let up = 0; const ready = () => { if (++up === 3) console.log('ready'); };
  http.createServer(ok).listen(${PORTS.http}, '${bind}', ready);
  https.createServer({ key: fs.readFileSync('${join(dir, 'key.pem')}'), cert: fs.readFileSync('${join(dir, 'cert.pem')}') }, ok).listen(${PORTS.https}, '${bind}', ready);
  // accepts, reads the request, then aborts with a RST (SO_LINGER 0): a server-side reset
  net.createServer((s) => s.once('data', () => s.resetAndDestroy())).listen(${PORTS.reset}, '${bind}', ready);
`;

/** Real servers (HTTP, HTTPS with a fresh self-signed certificate, a resetting one) bound to `bind`. */
export async function startServers(spawnIt: (cmd: string[]) => ChildProcess, bind: string): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'shakewatch-servers-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=shakewatch.test'], { stdio: 'ignore' });
  writeFileSync(join(dir, 'servers.js'), SERVERS(dir, bind));
  const child = spawnIt([process.execPath, join(dir, 'servers.js')]);
  await waitForLine(child, /ready/);
  return child;
}

export type Kind = 'http' | 'tls12' | 'tls13' | 'refused' | 'reset';

/** One real client connection of a kind (curl), from where `run` runs it, to `ip`. */
export function curlArgs(kind: Kind, ip: string): string[] {
  const base = ['curl', '-s', '-o', '/dev/null', '--max-time', '5'];
  switch (kind) {
    case 'http': return [...base, `http://${ip}:${PORTS.http}/`];
    case 'tls12': return [...base, '-k', '--tls-max', '1.2', `https://${ip}:${PORTS.https}/`];
    case 'tls13': return [...base, '-k', '--tlsv1.3', `https://${ip}:${PORTS.https}/`];
    case 'refused': return [...base, `http://${ip}:${PORTS.refused}/`];
    case 'reset': return [...base, `http://${ip}:${PORTS.reset}/`];
  }
}
