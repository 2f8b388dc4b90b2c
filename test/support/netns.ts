import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Root (CAP_NET_ADMIN/CAP_NET_RAW) is needed to make namespaces and capture; CI runs as root. */
export function canCaptureLive(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('ip', ['netns', 'list']).status === 0;
}

export interface NetnsPair {
  client: string;
  server: string;
  clientIf: string;
  clientIp: string;
  serverIp: string;
  exec(ns: string, cmd: string[], opts?: { input?: string; timeout?: number }): ReturnType<typeof spawnSync>;
  spawn(ns: string, cmd: string[]): ChildProcess;
  destroy(): void;
}

/**
 * Two namespaces joined by a veth pair, addresses only inside them. Traffic in tests
 * goes only here. `destroy()` removes both (and kills what runs in them).
 */
export function makeNetnsPair(tag: string, subnet: string): NetnsPair {
  const client = `${tag}-c`;
  const server = `${tag}-s`;
  const clientIf = `${tag}c0`;
  const serverIf = `${tag}s0`;
  const clientIp = `${subnet}.1`;
  const serverIp = `${subnet}.2`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  for (const ns of [client, server]) spawnSync('ip', ['netns', 'del', ns]);
  ip('netns', 'add', client);
  ip('netns', 'add', server);
  ip('link', 'add', clientIf, 'netns', client, 'type', 'veth', 'peer', 'name', serverIf, 'netns', server);
  ip('-n', client, 'addr', 'add', `${clientIp}/24`, 'dev', clientIf);
  ip('-n', server, 'addr', 'add', `${serverIp}/24`, 'dev', serverIf);
  for (const [ns, dev] of [[client, clientIf], [server, serverIf]]) {
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  const children: ChildProcess[] = [];
  return {
    client, server, clientIf, clientIp, serverIp,
    exec: (ns, cmd, opts = {}) => spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', input: opts.input, timeout: opts.timeout ?? 30_000 }),
    spawn: (ns, cmd) => {
      const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    destroy: () => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      for (const ns of [client, server]) removeNamespace(ns);
    },
  };
}

/** Kill whatever still runs in a namespace the test made, then delete it (no error if it is gone). */
export function removeNamespace(ns: string): void {
  spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean).forEach((pid) => spawnSync('kill', ['-9', pid]));
  spawnSync('ip', ['netns', 'del', ns]);
}

/** Resolve when `child` has printed a line matching `pattern` (on stdout or stderr). */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; saw: ${seen.slice(-2000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}
