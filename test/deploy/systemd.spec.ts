// deploy/systemd units and deploy/install.sh: systemd's own checks (verify, the offline
// security review) on the checked-in units and on what install.sh lays out in a temporary
// root; the install's files and modes; --uninstall leaving the root as it found it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const UNITS = ['shakewatch-agent.service', 'shakewatch-hub.service'];
/** The target for `systemd-analyze security --offline=yes`. */
const MAX_EXPOSURE = 2.0;

function run(cmd: string, args: string[], opts: { cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** systemd-analyze verify: exit 0 and not one warning (unknown keys only warn). */
function verify(unitPath: string) {
  const r = run('systemd-analyze', ['verify', unitPath]);
  expect({ status: r.status, output: (r.stdout + r.stderr).trim() }).toEqual({ status: 0, output: '' });
}

/** The overall exposure systemd-analyze security --offline=yes reports for a unit. */
function exposure(args: string[]): number {
  const r = run('systemd-analyze', ['security', '--offline=yes', ...args]);
  expect(r.status).toBe(0);
  const m = /Overall exposure level for \S+: ([0-9.]+)/.exec(r.stdout);
  if (!m) throw new Error(`no exposure in systemd-analyze output:\n${r.stdout}\n${r.stderr}`);
  return Number(m[1]);
}

/** [Service] settings of a unit file: key -> every value it is given, in order. */
function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

/** Every path under dir with its type, mode and content hash: a root's state. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.push(`d ${mode} ${relative(dir, p)}`);
        walk(p);
      } else out.push(`${st.isSymbolicLink() ? 'l' : 'f'} ${mode} ${relative(dir, p)} ${st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : ''}`);
    }
  };
  walk(dir);
  return out;
}

describe('systemd units', () => {
  it.each(UNITS)('%s passes systemd-analyze verify', (unit) => {
    verify(join(DEPLOY, 'systemd', unit));
  });

  it.each(UNITS)(`%s has an offline security exposure of at most ${MAX_EXPOSURE}`, (unit) => {
    const e = exposure([join(DEPLOY, 'systemd', unit)]);
    console.log(`${unit}: systemd-analyze security --offline=yes exposure ${e}`);
    expect(e).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it('the agent: a dynamic user with CAP_NET_RAW only, sandboxed but on the host network', () => {
    const s = settings(readFileSync(join(DEPLOY, 'systemd/shakewatch-agent.service'), 'utf8'));
    expect(s.get('DynamicUser')).toEqual(['yes']);
    expect(s.get('CapabilityBoundingSet')).toEqual(['CAP_NET_RAW']);
    expect(s.get('AmbientCapabilities')).toEqual(['CAP_NET_RAW']);
    for (const k of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs']) expect([k, s.get(k)]).toEqual([k, ['yes']]);
    expect(s.get('ProtectSystem')).toEqual(['strict']);
    expect(s.get('MemoryDenyWriteExecute')).toEqual(['no']);
    expect(s.has('PrivateNetwork')).toBe(false);
    expect(s.has('PrivateUsers')).toBe(false);
    expect(s.get('RestrictAddressFamilies')![0].split(/\s+/).sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET', 'AF_UNIX']);
    expect(s.get('SystemCallFilter')!.length).toBeGreaterThan(0);
    expect(s.get('Restart')).toEqual(['on-failure']);
    expect(s.has('StartLimitBurst') && s.has('StartLimitIntervalSec')).toBe(true);
    expect(s.get('ExecStart')).toEqual(['/usr/bin/node --max-semi-space-size=2 /opt/shakewatch/agent/main.js run']);
    // As the executable's first line: reassembly slabs mapped whole, not left in malloc's heap.
    expect(s.get('Environment')).toContain('MALLOC_MMAP_THRESHOLD_=131072');
  });

  it('the hub: no capability at all', () => {
    const s = settings(readFileSync(join(DEPLOY, 'systemd/shakewatch-hub.service'), 'utf8'));
    expect(s.get('DynamicUser')).toEqual(['yes']);
    expect(s.get('CapabilityBoundingSet')).toEqual(['']);
    expect(s.get('AmbientCapabilities')).toEqual(['']);
    expect(s.get('RestrictAddressFamilies')![0]).not.toMatch(/AF_PACKET/);
    expect(s.get('ExecStart')).toEqual(['/usr/bin/node /opt/shakewatch/hub/main.js']);
  });

  it('the example environment files name only variables the apps read', () => {
    for (const [file, prefix] of [['agent.env', 'SHAKEWATCH_AGENT_'], ['hub.env', 'SHAKEWATCH_HUB_']]) {
      const vars = readFileSync(join(DEPLOY, 'systemd', file), 'utf8').split('\n').map((l) => /^#?([A-Z_]+)=/.exec(l)?.[1]).filter((v): v is string => !!v);
      expect(vars.length).toBeGreaterThan(2);
      for (const v of vars) expect(v.startsWith(prefix)).toBe(true);
    }
  });
});

describe('install.sh', () => {
  const built = (['agent', 'hub'] as const).filter((app) => existsSync(join(ROOT, 'dist/apps', app, 'main.js')));
  let root: string;

  beforeAll(() => {
    // The agent at least must be built (npm run build); the hub joins once it is.
    expect(built).toContain('agent');
    if (!built.includes('hub')) console.log('install.sh test: dist/apps/hub/main.js is not built, installing the agent only');
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'shakewatch-root-'));
    // Things that were there before and must stay untouched.
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    writeFileSync(join(root, 'etc/systemd/system/other.service'), '[Service]\nExecStart=/bin/true\n');
    mkdirSync(join(root, 'opt/other'), { recursive: true });
    writeFileSync(join(root, 'opt/other/keep'), 'keep\n');
    writeFileSync(join(root, 'etc/hostname'), 'test\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const only = () => (built.length === 2 ? [] : ['--only', 'agent']);
  const install = (...args: string[]) => {
    const r = run('bash', [join(DEPLOY, 'install.sh'), '--root', root, ...only(), ...args]);
    if (r.status !== 0) throw new Error(`install.sh failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const mode = (p: string) => (statSync(join(root, p)).mode & 0o7777).toString(8);

  it('lays out the apps, units, configuration and tokens with the right modes, enables nothing, and --uninstall restores the root', () => {
    const before = snapshot(root);
    const out = install();
    expect(out).toMatch(/Next steps/);
    for (const app of built) {
      expect(mode(`opt/shakewatch/${app}/main.js`)).toBe('755');
      expect(readFileSync(join(root, `opt/shakewatch/${app}/main.js`))).toEqual(readFileSync(join(ROOT, 'dist/apps', app, 'main.js')));
      expect(mode(`etc/systemd/system/shakewatch-${app}.service`)).toBe('644');
      expect(mode(`etc/shakewatch/${app}.env`)).toBe('644');
    }
    expect(mode('opt/shakewatch/lib/shakewatch_pcap.node')).toBe('644');
    expect(mode('etc/shakewatch/agent.token')).toBe('600');
    // Production dependencies only: what the bundles require is there, dev tools are not.
    for (const dep of ['pino', 'commander', 'zod', 'prom-client']) expect(existsSync(join(root, 'opt/shakewatch/node_modules', dep, 'package.json'))).toBe(true);
    for (const dev of ['jest', 'typescript', 'nx', '@grafana/grafana-foundation-sdk']) expect(existsSync(join(root, 'opt/shakewatch/node_modules', dev))).toBe(false);
    if (built.includes('hub')) {
      expect(mode('etc/shakewatch/hub-tokens')).toBe('600');
      // The hub's tokens file holds the hash of the agent's token, not the token.
      const token = readFileSync(join(root, 'etc/shakewatch/agent.token'), 'utf8').trim();
      const hubTokens = readFileSync(join(root, 'etc/shakewatch/hub-tokens'), 'utf8');
      expect(hubTokens).toContain(`sha256:${createHash('sha256').update(token).digest('hex')} `);
      expect(hubTokens).not.toContain(token);
    }
    expect(existsSync(join(root, 'etc/systemd/system/multi-user.target.wants'))).toBe(false);

    // The bundled agent runs from its new home with the production node_modules only.
    const help = run(process.execPath, [join(root, 'opt/shakewatch/agent/main.js'), '--help']);
    expect(help.status).toBe(0);

    // systemd's checks on the units as installed.
    for (const app of built) {
      verify(join(root, 'etc/systemd/system', `shakewatch-${app}.service`));
      const e = exposure([`--root=${root}`, `shakewatch-${app}.service`]);
      expect(e).toBeLessThanOrEqual(MAX_EXPOSURE);
    }

    expect(() => install()).toThrow(/already installed/);
    const un = run('bash', [join(DEPLOY, 'install.sh'), '--root', root, '--uninstall']);
    expect(un.status).toBe(0);
    expect(snapshot(root)).toEqual(before);
  });

  it('--enable-agent enables the unit, and --uninstall disables it and keeps edited configuration', () => {
    const before = snapshot(root);
    install('--enable-agent');
    expect(lstatSync(join(root, 'etc/systemd/system/multi-user.target.wants/shakewatch-agent.service')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(root, 'etc/systemd/system/multi-user.target.wants/shakewatch-hub.service'))).toBe(false);
    writeFileSync(join(root, 'etc/shakewatch/agent.env'), 'SHAKEWATCH_AGENT_INTERFACES=eth1\n');
    const un = run('bash', [join(DEPLOY, 'install.sh'), '--root', root, '--uninstall']);
    expect(un.status).toBe(0);
    expect(un.stdout).toMatch(/kept \/etc\/shakewatch\/agent\.env/);
    const after = snapshot(root);
    expect(after.filter((l) => !before.includes(l))).toEqual([
      'd 755 etc/shakewatch',
      expect.stringMatching(/^f 644 etc\/shakewatch\/agent\.env /),
    ]);
    expect(before.filter((l) => !after.includes(l))).toEqual([]);
  });

  it('refuses to install what is not built, and to uninstall what is not installed', () => {
    const fake = mkdtempSync(join(tmpdir(), 'shakewatch-from-'));
    const r = run('bash', [join(DEPLOY, 'install.sh'), '--root', root, '--from', fake]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/missing: run npm install && npm run build/);
    const u = run('bash', [join(DEPLOY, 'install.sh'), '--root', root, '--uninstall']);
    expect(u.status).not.toBe(0);
    expect(u.stderr).toMatch(/no manifest/);
    expect(snapshot(root).some((l) => l.includes('shakewatch'))).toBe(false);
    rmSync(fake, { recursive: true, force: true });
  });
});
