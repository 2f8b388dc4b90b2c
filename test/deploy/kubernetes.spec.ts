// deploy/kubernetes, deploy/docker and deploy/multi-hub, without a cluster or a Docker engine:
// - every manifest parses (yaml) and is checked against the Kubernetes API schemas of the
//   `kubernetes-models` package: its validators (types, enums, required fields) and its
//   TypeScript interfaces (tsc's excess-property check catches unknown or misspelt fields);
// - kustomization.yaml: its files exist, its generated Secrets are the ones mounted, and
//   `kubectl kustomize` builds it where kubectl is installed;
// - the agent DaemonSet's and the hub Deployment's security, ports, probes, env names (each
//   one the apps document), Secret paths, images (the Dockerfiles' tags);
// - the Dockerfiles: base, non-root USER, ENTRYPOINT, COPY sources that exist after
//   `npm run build`, their .dockerignore, and the image's layout run for real (the hub
//   serving with make-secrets.sh's tokens, the agent loading the libpcap binding);
// - the multi-hub and in-cluster Prometheus configurations: promtool check config, the HA
//   pair differing only in its replica label, and every hub scraped on its own.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '../..');
const K8S = join(ROOT, 'deploy/kubernetes');
const DOCKER = join(ROOT, 'deploy/docker');
const MULTI = join(ROOT, 'deploy/multi-hub');
const RULES = join(ROOT, 'deploy/prometheus/shakewatch.rules.yml');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const HUB_JS = join(ROOT, 'dist/apps/hub/main.js');

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; [k: string]: any };
interface EnvVar { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }
interface Container { name: string; image: string; args?: string[]; env?: EnvVar[]; ports?: { name?: string; containerPort: number }[]; volumeMounts?: { name: string; mountPath: string }[]; securityContext?: any; resources?: any; readinessProbe?: any; livenessProbe?: any }

/** Every document of a YAML file; a syntax error fails. */
function loadYaml(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
    const o = d.toJS() as Obj | null;
    return o === null ? [] : [o];
  });
}

interface Kustomization { namespace: string; resources: string[]; secretGenerator: { name: string; files: string[] }[] }
const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as Kustomization;
/** Manifests that are not in kustomization.yaml on purpose (each says why in its comment). */
const OPTIONAL = ['secrets.example.yaml', 'servicemonitor.yaml'];
const manifestFiles = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const applied = kustomization.resources.flatMap((f) => loadYaml(join(K8S, f)));
const one = (kind: string, name: string) => {
  const found = applied.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name} in kustomization.yaml's resources, found ${found.length}`);
  return found[0];
};
const daemonSet = one('DaemonSet', 'shakewatch-agent');
const deployment = one('Deployment', 'shakewatch-hub');
const agentPod = daemonSet.spec.template.spec;
const hubPod = deployment.spec.template.spec;
const agentContainers = agentPod.containers as Container[];
const hubContainers = hubPod.containers as Container[];
const envOf = (c: Container, name: string) => c.env?.find((e) => e.name === name);

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
  return { status: r.status, stdout: r.stdout ?? '', output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}
const have = (cmd: string) => run('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** The file a container reads at `path`: the Secret key behind the volume mounted there. */
function secretKeyAt(pod: any, c: Container, path: string): { secret: string; key: string } | undefined {
  for (const m of c.volumeMounts ?? []) {
    if (!path.startsWith(`${m.mountPath}/`)) continue;
    const v = (pod.volumes as any[]).find((x) => x.name === m.name);
    if (v?.secret) return { secret: v.secret.secretName, key: path.slice(m.mountPath.length + 1) };
  }
  return undefined;
}
/** Secret name -> its keys, from kustomization.yaml's secretGenerator (`key=path`). */
const generated = new Map(kustomization.secretGenerator.map((g) => [g.name, g.files.map((f) => f.split('=')[0])]));

// ---------------------------------------------------------------------------------------
// The settings each app documents: the hub's `--help`, the agent's README paragraph.
function hubSettings(): Set<string> {
  const r = run(process.execPath, [HUB_JS, '--help']);
  if (r.status !== 0) throw new Error(`hub --help: ${r.output}`);
  return new Set([...r.stdout.matchAll(/^\s+(SHAKEWATCH_HUB_[A-Z_]+)\s/gm)].map((m) => m[1]));
}
function agentSettings(): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const para = /Settings come from flags, `SHAKEWATCH_AGENT_\*` environment variables \(([^)]*)\)/.exec(readme);
  if (!para) throw new Error('README.md: the paragraph listing the agent\'s SHAKEWATCH_AGENT_* variables is gone');
  const names = new Set([...para[1].matchAll(/`\.\.\._([A-Z_]+)`/g)].map((m) => `SHAKEWATCH_AGENT_${m[1]}`));
  // Named in full elsewhere (the publisher's section, the libpcap binding's location).
  for (const m of readme.matchAll(/\b(SHAKEWATCH_(?:AGENT|PCAP)_[A-Z_]*[A-Z])\b/g)) names.add(m[1]);
  // glibc's, set for Node by the executable and the units (Memory under attack).
  if (readme.includes('`MALLOC_MMAP_THRESHOLD_=131072`')) names.add('MALLOC_MMAP_THRESHOLD_');
  return names;
}

// ---------------------------------------------------------------------------------------
// Dockerfiles: instructions with continuation lines joined and comments dropped.
interface Instr { op: string; args: string }
function dockerfile(name: string): Instr[] {
  const lines = readFileSync(join(DOCKER, name), 'utf8').split('\n').filter((l) => !/^\s*#/.test(l));
  const out: Instr[] = [];
  let cur = '';
  for (const l of lines) {
    cur += l.replace(/\\$/, ' ');
    if (l.endsWith('\\')) continue;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(cur);
    if (m) out.push({ op: m[1].toUpperCase(), args: m[2].trim() });
    cur = '';
  }
  return out;
}
/** The final stage's instructions. */
const finalStage = (ins: Instr[]) => ins.slice(ins.map((i) => i.op).lastIndexOf('FROM'));
/** COPY instructions of the final stage from the build context: [source, absolute destination]. */
function contextCopies(ins: Instr[]): [string, string][] {
  let workdir = '/';
  const out: [string, string][] = [];
  for (const i of finalStage(ins)) {
    if (i.op === 'WORKDIR') workdir = posix.resolve(workdir, i.args);
    if (i.op !== 'COPY' || i.args.startsWith('--from')) continue;
    const parts = i.args.split(/\s+/);
    const dest = parts.pop()!;
    for (const src of parts) out.push([src, posix.resolve(workdir, dest.endsWith('/') ? posix.join(dest, posix.basename(src)) : dest)]);
  }
  return out;
}
const allContextSources = (ins: Instr[]) => ins.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
const envOfImage = (ins: Instr[]) => Object.fromEntries(finalStage(ins).filter((i) => i.op === 'ENV').flatMap((i) => [...i.args.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]])));
const entrypoint = (ins: Instr[]) => JSON.parse(finalStage(ins).find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
const images = { agent: `shakewatch/agent:${VERSION}`, hub: `shakewatch/hub:${VERSION}` } as const;

// =======================================================================================
describe('deploy/kubernetes manifests', () => {
  it('every manifest parses and every object has apiVersion, kind and metadata.name', () => {
    expect(manifestFiles.length).toBeGreaterThanOrEqual(6);
    for (const f of manifestFiles) {
      const objs = loadYaml(join(K8S, f));
      expect([f, objs.length > 0]).toEqual([f, true]);
      for (const o of objs) {
        expect([f, typeof o.apiVersion, typeof o.kind, typeof o.metadata?.name]).toEqual([f, 'string', 'string', 'string']);
        expect([f, o.metadata.name]).toEqual([f, expect.stringMatching(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)]);
      }
    }
  });

  it('kustomization.yaml lists files that exist, and every manifest is either listed or optional on purpose', () => {
    for (const f of kustomization.resources) expect([f, existsSync(join(K8S, f))]).toEqual([f, true]);
    expect([...kustomization.resources, ...OPTIONAL].sort()).toEqual([...manifestFiles].sort());
    expect(kustomization.namespace).toBe('shakewatch');
    expect(applied.find((o) => o.kind === 'Namespace')?.metadata.name).toBe(kustomization.namespace);
    // Every object name is unique per kind.
    const keys = applied.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the generated Secrets come from git-ignored files, and are exactly the ones the workloads mount', () => {
    expect(readFileSync(join(K8S, '.gitignore'), 'utf8')).toMatch(/^\/secrets\/$/m);
    for (const g of kustomization.secretGenerator) for (const f of g.files) expect(f).toMatch(/^[a-z.-]+=secrets\/[a-z.-]+$/);
    const mounted = [...agentPod.volumes, ...hubPod.volumes].filter((v: any) => v.secret).map((v: any) => v.secret.secretName).sort();
    expect(mounted).toEqual([...generated.keys()].sort());
    // The example shows the same Secrets, with the same keys.
    const examples = loadYaml(join(K8S, 'secrets.example.yaml'));
    expect(examples.map((s) => [s.metadata.name, Object.keys(s.stringData).sort()]).sort()).toEqual([...generated].map(([n, k]) => [n, [...k].sort()]).sort());
  });

  it('secrets.example.yaml holds the hash of its own example token, not a token', () => {
    const ex = Object.fromEntries(loadYaml(join(K8S, 'secrets.example.yaml')).map((s) => [s.metadata.name, s.stringData]));
    const hash = run(process.execPath, [HUB_JS, 'hash-token'], { input: ex['shakewatch-agent-token']['agent.token'] });
    expect(hash.status).toBe(0);
    const lines = (ex['shakewatch-hub-tokens']['hub-tokens'] as string).split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines).toEqual([`${hash.stdout.trim()} *`]);
  });

  it('every object is valid against the Kubernetes API schemas (kubernetes-models validators)', () => {
    const modules: Record<string, string> = {
      Namespace: 'v1/Namespace', Service: 'v1/Service', Secret: 'v1/Secret',
      Deployment: 'apps/v1/Deployment', DaemonSet: 'apps/v1/DaemonSet', PodDisruptionBudget: 'policy/v1/PodDisruptionBudget',
    };
    const objs = manifestFiles.flatMap((f) => loadYaml(join(K8S, f)).map((o) => ({ f, o })));
    const core = objs.filter(({ o }) => modules[o.kind]);
    // Only the Prometheus Operator's ServiceMonitor has no schema there.
    expect(objs.filter(({ o }) => !modules[o.kind]).map(({ o }) => o.kind)).toEqual(['ServiceMonitor']);
    const script = `
      const objs = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      const errors = [];
      for (const { f, o, mod } of objs) {
        const m = await import('kubernetes-models/' + mod);
        try { new m[o.kind](o).validate(); } catch (e) { errors.push(f + ' ' + o.kind + '/' + o.metadata.name + ': ' + e.message); }
      }
      console.log(JSON.stringify(errors));`;
    const r = run(process.execPath, ['--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/'); ${script}`], {
      cwd: ROOT, input: JSON.stringify(core.map(({ f, o }) => ({ f, o, mod: modules[o.kind] }))),
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('no object has a field the API does not define (kubernetes-models types, tsc excess-property check)', () => {
    const types: Record<string, [string, string]> = {
      Namespace: ['v1/Namespace', 'INamespace'], Service: ['v1/Service', 'IService'], Secret: ['v1/Secret', 'ISecret'],
      Deployment: ['apps/v1/Deployment', 'IDeployment'], DaemonSet: ['apps/v1/DaemonSet', 'IDaemonSet'],
      PodDisruptionBudget: ['policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
    };
    const objs = manifestFiles.flatMap((f) => loadYaml(join(K8S, f))).filter((o) => types[o.kind]);
    const used = [...new Set(objs.map((o) => o.kind))];
    const src = [
      ...used.map((k) => `import type { ${types[k][1]} } from 'kubernetes-models/${types[k][0]}';`),
      ...objs.map((o, i) => `// ${o.kind}/${o.metadata.name}\nexport const o${i}: ${types[o.kind][1]} = ${JSON.stringify(o, null, 2)};`),
    ].join('\n');
    // Under dist/ (git-ignored) so that node_modules resolves; .mts: kubernetes-models is ESM.
    const dir = join(ROOT, 'dist/test-deploy-kubernetes');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'manifests.mts');
    writeFileSync(file, src);
    const r = run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck',
      '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', file]);
    expect(r.output.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('`kubectl kustomize` builds it (with make-secrets.sh\'s files): one namespace, generated Secret names rewritten in the workloads', () => {
    if (!have('kubectl')) {
      console.warn('kubectl not installed: the kustomize build is not checked (the structural checks above still are)');
      return;
    }
    const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-k8s-'));
    try {
      const copy = join(tmp, 'kubernetes');
      mkdirSync(copy);
      for (const f of readdirSync(K8S)) copyFileSync(join(K8S, f), join(copy, f));
      expect(run('sh', [join(copy, 'make-secrets.sh')]).status).toBe(0);
      const r = run('kubectl', ['kustomize', copy]);
      if (r.status !== 0) throw new Error(r.output);
      const built = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
      expect(built.length).toBe(applied.length + kustomization.secretGenerator.length);
      for (const o of built) if (o.kind !== 'Namespace') expect([o.kind, o.metadata.namespace]).toEqual([o.kind, 'shakewatch']);
      const secrets = built.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name);
      const refs = built.flatMap((o) => o.spec?.template?.spec?.volumes ?? []).filter((v: any) => v.secret).map((v: any) => v.secret.secretName);
      expect(refs.sort()).toEqual(secrets.sort());
      for (const s of secrets) expect(s).toMatch(/^shakewatch-(agent-token|hub-tokens)-[a-z0-9]{10}$/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('the agent DaemonSet', () => {
  it('captures the host network with CAP_NET_RAW only: drops ALL, adds NET_RAW, never privileged', () => {
    expect(agentPod.hostNetwork).toBe(true);
    expect(agentPod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(agentPod.hostPID ?? false).toBe(false);
    expect(agentPod.hostIPC ?? false).toBe(false);
    expect(agentPod.automountServiceAccountToken).toBe(false);
    expect((agentPod.volumes as any[]).filter((v) => v.hostPath)).toEqual([]);
    expect(agentContainers.length).toBe(1);
    for (const c of [...agentContainers, ...(agentPod.initContainers ?? [])]) {
      const sc = c.securityContext;
      expect(sc.privileged ?? false).toBe(false);
      expect(sc.capabilities).toEqual({ drop: ['ALL'], add: ['NET_RAW'] });
      expect(sc.allowPrivilegeEscalation).toBe(false);
      expect(sc.readOnlyRootFilesystem).toBe(true);
      expect((sc.seccompProfile ?? agentPod.securityContext?.seccompProfile)?.type).toBe('RuntimeDefault');
      // uid 0 is the only way to hold NET_RAW with no privilege escalation (the manifest's
      // comment): allowed only together with the above.
      if (sc.runAsUser === 0) expect(sc.runAsNonRoot).toBe(false);
      expect(c.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      expect(c.resources.limits).toEqual({ cpu: expect.anything(), memory: expect.anything() });
    }
  });

  it('names itself after the node, reads its token from the generated Secret, and publishes to the hub Service on 9464', () => {
    const c = agentContainers[0];
    expect(c.args).toEqual(['run']);
    expect(envOf(c, 'SHAKEWATCH_AGENT_ID')?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    const token = envOf(c, 'SHAKEWATCH_AGENT_TOKEN_FILE')!.value!;
    const at = secretKeyAt(agentPod, c, token);
    expect(at && generated.get(at.secret)?.includes(at.key)).toBe(true);
    const hubs = envOf(c, 'SHAKEWATCH_AGENT_HUBS')!.value!.split(',');
    const svc = one('Service', 'shakewatch-hub');
    for (const u of hubs) {
      const url = new URL(u.replace('$(POD_NAMESPACE)', kustomization.namespace));
      expect([url.protocol, url.hostname.split('.')[0], url.port, url.pathname]).toEqual(['ws:', svc.metadata.name, '9464', '/ingest']);
    }
    expect(envOf(c, 'POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    expect(envOf(c, 'SHAKEWATCH_AGENT_INTERFACES')?.value).toMatch(/^[\w.-]+(,[\w.-]+)*$/);
  });

  it('sets only environment variables the agent documents (helpers only as $(NAME) in another value)', () => {
    const documented = agentSettings();
    expect(documented.has('SHAKEWATCH_AGENT_HUBS')).toBe(true); // the README parse found the list
    for (const c of agentContainers) {
      const values = (c.env ?? []).map((e) => e.value ?? '').join(' ');
      for (const e of c.env ?? []) {
        if (e.name.startsWith('SHAKEWATCH_')) expect([e.name, documented.has(e.name)]).toEqual([e.name, true]);
        else expect([e.name, values.includes(`$(${e.name})`)]).toEqual([e.name, true]);
      }
    }
  });
});

describe('the hub Deployment and Services', () => {
  it('runs 2 non-root replicas with no capability, read-only, on port 9464 with /readyz and /healthz probes', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(hubPod.hostNetwork ?? false).toBe(false);
    expect(hubPod.securityContext.runAsNonRoot).toBe(true);
    expect(hubPod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(hubPod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    expect(hubContainers.length).toBe(1);
    const c = hubContainers[0];
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.securityContext.privileged ?? false).toBe(false);
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9464, protocol: 'TCP' }]);
    expect(envOf(c, 'SHAKEWATCH_HUB_PORT')?.value).toBe('9464');
    expect([c.readinessProbe.httpGet.path, c.readinessProbe.httpGet.port]).toEqual(['/readyz', 'http']);
    expect([c.livenessProbe.httpGet.path, c.livenessProbe.httpGet.port]).toEqual(['/healthz', 'http']);
    expect(c.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
    expect(c.resources.limits).toEqual({ cpu: expect.anything(), memory: expect.anything() });
    const ann = deployment.spec.template.metadata.annotations;
    expect([ann['prometheus.io/scrape'], ann['prometheus.io/port'], ann['prometheus.io/path']]).toEqual(['true', '9464', '/metrics']);
    const tokens = secretKeyAt(hubPod, c, envOf(c, 'SHAKEWATCH_HUB_TOKENS_FILE')!.value!);
    expect(tokens && generated.get(tokens.secret)?.includes(tokens.key)).toBe(true);
  });

  it('sets only environment variables the hub documents (`--help`)', () => {
    const documented = hubSettings();
    expect(documented.size).toBeGreaterThan(10);
    for (const e of hubContainers[0].env ?? []) expect([e.name, documented.has(e.name)]).toEqual([e.name, true]);
  });

  it('a ClusterIP Service for the agents and a headless one for per-pod scraping, both on 9464, selecting the hub pods only', () => {
    const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
    const agentLabels = daemonSet.spec.template.metadata.labels as Record<string, string>;
    const services = applied.filter((o) => o.kind === 'Service');
    expect(services.map((s) => [s.metadata.name, s.spec.clusterIP ?? 'ClusterIP']).sort()).toEqual([['shakewatch-hub', 'ClusterIP'], ['shakewatch-hub-pods', 'None']]);
    for (const s of services) {
      expect(s.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(Object.entries(s.spec.selector).every(([k, v]) => podLabels[k] === v)).toBe(true);
      expect(Object.entries(s.spec.selector).every(([k, v]) => agentLabels[k] === v)).toBe(false);
      expect(s.spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([[9464, 'http']]);
    }
    expect(deployment.spec.selector.matchLabels).toEqual(Object.fromEntries(Object.entries(podLabels).filter(([k]) => k in deployment.spec.selector.matchLabels)));
    // The ServiceMonitor and the in-cluster scrape config select the headless Service's port.
    const headless = one('Service', 'shakewatch-hub-pods');
    const sm = loadYaml(join(K8S, 'servicemonitor.yaml'))[0];
    expect(Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => headless.metadata.labels?.[k] === v)).toBe(true);
    expect(sm.spec.endpoints.map((e: any) => e.port)).toEqual([headless.spec.ports[0].name]);
    expect(sm.spec.endpoints[0].relabelings).toContainEqual({ targetLabel: 'job', replacement: 'shakewatch-hub' });
  });
});

describe('deploy/docker', () => {
  for (const app of ['agent', 'hub'] as const) {
    describe(`${app}.Dockerfile`, () => {
      const ins = dockerfile(`${app}.Dockerfile`);
      const last = finalStage(ins);

      it(`builds ${images[app]}, the image the manifests use`, () => {
        const tag = /-t (\S+) \.$/m.exec(readFileSync(join(DOCKER, `${app}.Dockerfile`), 'utf8'))?.[1];
        expect(tag).toBe(images[app]);
        const workload = app === 'agent' ? agentContainers : hubContainers;
        expect(workload.map((c) => c.image)).toEqual([images[app]]);
      });

      it('FROM node:20-bookworm-slim, a non-root USER, ENTRYPOINT running node on the app\'s main.js', () => {
        for (const f of ins.filter((i) => i.op === 'FROM')) expect(f.args).toMatch(/^node:20-bookworm-slim(\s+AS\s+\w+)?$/);
        const user = last.filter((i) => i.op === 'USER').pop()?.args;
        expect(user).toBeDefined();
        expect(user).not.toMatch(/^(0|root)(:|$)/);
        const ep = entrypoint(ins);
        expect(ep[0]).toBe('node');
        expect(ep[ep.length - 1]).toBe(`/opt/shakewatch/${app}/main.js`);
        if (app === 'agent') expect(ep).toContain('--max-semi-space-size=2');
        // main.js is copied to where the ENTRYPOINT runs it.
        expect(contextCopies(ins)).toContainEqual([`dist/apps/${app}/main.js`, ep[ep.length - 1]]);
      });

      it('copies sources that exist after npm run build, and its .dockerignore lets exactly those through', () => {
        const sources = allContextSources(ins);
        expect(sources).toContain(`dist/apps/${app}/main.js`);
        for (const s of sources) expect([s, existsSync(join(ROOT, s))]).toEqual([s, true]);
        const ignore = readFileSync(join(DOCKER, `${app}.Dockerfile.dockerignore`), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        expect(ignore[0]).toBe('*');
        expect(ignore.slice(1).sort()).toEqual([...new Set(sources)].map((s) => `!${s}`).sort());
        // The production dependencies come from a stage of their own, not the host's node_modules.
        expect(last.filter((i) => i.op === 'COPY' && i.args.startsWith('--from')).map((i) => i.args)).toEqual(['--from=deps /opt/shakewatch/node_modules node_modules']);
        expect(ins.find((i) => i.op === 'RUN' && i.args.includes('npm install'))?.args).toMatch(/--omit=dev/);
      });

      it('sets only environment variables the app documents', () => {
        const documented = app === 'agent' ? agentSettings() : hubSettings();
        for (const k of Object.keys(envOfImage(ins))) if (k !== 'NODE_ENV') expect([k, documented.has(k)]).toEqual([k, true]);
      });

      if (app === 'agent') {
        it('installs libpcap0.8 and points SHAKEWATCH_PCAP_ADDON at the copied binding', () => {
          expect(last.find((i) => i.op === 'RUN' && /apt-get install .*\blibpcap0\.8\b/.test(i.args))).toBeDefined();
          const addon = contextCopies(ins).find(([s]) => s === 'libs/pcap/build/Release/shakewatch_pcap.node');
          expect(addon?.[1]).toBe(envOfImage(ins).SHAKEWATCH_PCAP_ADDON);
        });
      } else {
        it('exposes 9464', () => expect(last.filter((i) => i.op === 'EXPOSE').map((i) => i.args)).toEqual(['9464']));
      }
    });
  }

  describe('the images\' layout, run for real (the build context\'s files where the Dockerfiles put them)', () => {
    let tmp: string;
    /** Lays out the final stage's files under tmp (node_modules: the repository's). */
    function layout(app: 'agent' | 'hub') {
      const ins = dockerfile(`${app}.Dockerfile`);
      const root = join(tmp, app);
      for (const [src, dest] of contextCopies(ins)) {
        mkdirSync(dirname(join(root, dest)), { recursive: true });
        copyFileSync(join(ROOT, src), join(root, dest));
      }
      const wd = finalStage(ins).filter((i) => i.op === 'WORKDIR').pop()!.args;
      if (!existsSync(join(root, wd, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(root, wd, 'node_modules'));
      const at = (p: string) => (p.startsWith('/') ? join(root, p) : p);
      const env = Object.fromEntries(Object.entries(envOfImage(ins)).map(([k, v]) => [k, at(v)]));
      const [cmd, ...args] = entrypoint(ins).map(at);
      return { cmd: cmd === 'node' ? process.execPath : cmd, args, env };
    }
    beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'shakewatch-image-')); });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('the agent\'s entrypoint loads the libpcap binding from SHAKEWATCH_PCAP_ADDON (devices)', () => {
      const { cmd, args, env } = layout('agent');
      expect(existsSync(env.SHAKEWATCH_PCAP_ADDON)).toBe(true);
      const r = run(cmd, [...args, 'devices'], { cwd: tmp, env: { PATH: process.env.PATH, ...env } });
      expect(r.output).toMatch(/^lo\s/m);
      expect(r.status).toBe(0);
    });

    it('the hub\'s entrypoint serves with the Deployment\'s settings and make-secrets.sh\'s tokens file', async () => {
      const secrets = join(tmp, 'secrets');
      expect(run('sh', [join(K8S, 'make-secrets.sh'), secrets]).status).toBe(0);
      expect(statSync(join(secrets, 'agent.token')).mode & 0o777).toBe(0o600);
      expect(statSync(join(secrets, 'hub-tokens')).mode & 0o777).toBe(0o600);
      const hash = run(process.execPath, [HUB_JS, 'hash-token'], { input: readFileSync(join(secrets, 'agent.token'), 'utf8') }).stdout.trim();
      expect(readFileSync(join(secrets, 'hub-tokens'), 'utf8')).toContain(`\n${hash} *\n`);
      // Never overwrites.
      expect(run('sh', [join(K8S, 'make-secrets.sh'), secrets]).status).toBe(1);

      const { cmd, args, env } = layout('hub');
      const fromManifest = Object.fromEntries((hubContainers[0].env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
      const hubEnv = {
        PATH: process.env.PATH, ...env, ...fromManifest, SHAKEWATCH_HUB_ID: 'shakewatch-hub-test',
        // A free port on loopback instead of 9464; the mounted Secret's file from make-secrets.sh.
        SHAKEWATCH_HUB_PORT: '0', SHAKEWATCH_HUB_HOST: '127.0.0.1', SHAKEWATCH_HUB_TOKENS_FILE: join(secrets, 'hub-tokens'),
      };
      const hub = spawn(cmd, args, { cwd: tmp, env: hubEnv, stdio: ['ignore', 'ignore', 'pipe'] });
      try {
        const port = await new Promise<number>((resolve, reject) => {
          let err = '';
          const timer = setTimeout(() => reject(new Error(`no "hub listening" in 20 s: ${err}`)), 20_000);
          hub.stderr!.on('data', (d: Buffer) => {
            err += d.toString();
            const m = /"port":(\d+)[^\n]*"msg":"hub listening"|"msg":"hub listening"[^\n]*"port":(\d+)/.exec(err);
            if (m) { clearTimeout(timer); resolve(Number(m[1] ?? m[2])); }
          });
          hub.on('exit', (code) => { clearTimeout(timer); reject(new Error(`hub exited ${code}: ${err}`)); });
        });
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/^shakewatch_hub_connected_agents /m);
      } finally {
        hub.kill('SIGTERM');
      }
    });
  });
});

// =======================================================================================
describe('deploy/multi-hub and the in-cluster scrape configuration', () => {
  interface PromConfig { global: { external_labels?: Record<string, string> }; alerting: { alert_relabel_configs?: { action: string; regex: string }[] }; scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[]; remote_write?: { url: string }[]; rule_files: string[] }
  const promA = parse(readFileSync(join(MULTI, 'prometheus-a.yml'), 'utf8')) as PromConfig;
  const promB = parse(readFileSync(join(MULTI, 'prometheus-b.yml'), 'utf8')) as PromConfig;
  const REPLICA = '__replica__';

  it.each([['deploy/multi-hub/prometheus-a.yml'], ['deploy/multi-hub/prometheus-b.yml'], ['deploy/kubernetes/prometheus-kubernetes.yml']])('promtool check config %s passes (with the rules beside it)', (file) => {
    const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-prom-'));
    try {
      copyFileSync(join(ROOT, file), join(tmp, 'prometheus.yml'));
      copyFileSync(RULES, join(tmp, 'shakewatch.rules.yml'));
      const r = run('promtool', ['check', 'config', join(tmp, 'prometheus.yml')]);
      if (r.status !== 0) throw new Error(r.output);
      expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
      expect((parse(readFileSync(join(ROOT, file), 'utf8')) as PromConfig).scrape_configs.map((s) => s.job_name)).toContain('shakewatch-hub');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the HA pair differs only in its replica label, which alerts drop and remote_write carries to Mimir', () => {
    const a = promA.global.external_labels!;
    const b = promB.global.external_labels!;
    expect([a[REPLICA], b[REPLICA]]).toEqual(['prometheus-a', 'prometheus-b']);
    expect(a.cluster).toBe(b.cluster);
    const strip = (c: PromConfig) => ({ ...c, global: { ...c.global, external_labels: { ...c.global.external_labels, [REPLICA]: 'x' } } });
    expect(strip(promA)).toEqual(strip(promB));
    expect(promA.alerting.alert_relabel_configs).toContainEqual({ action: 'labeldrop', regex: REPLICA });
    expect(promA.remote_write?.map((w) => new URL(w.url).pathname)).toEqual(['/api/v1/push']);
  });

  it('every hub behind the load balancer is scraped on its own address, never the balancer; agents list the balancer then each hub', () => {
    const targets = promA.scrape_configs.find((s) => s.job_name === 'shakewatch-hub')!.static_configs!.flatMap((s) => s.targets);
    const cfg = readFileSync(join(MULTI, 'haproxy.cfg'), 'utf8');
    const servers = [...cfg.matchAll(/^\s*server\s+\S+\s+(\S+)/gm)].map((m) => m[1]);
    expect(servers.length).toBeGreaterThanOrEqual(2);
    expect([...targets].sort()).toEqual([...servers].sort());
    expect(cfg).toMatch(/^\s*bind :9464$/m);
    expect(cfg).toMatch(/option httpchk GET \/readyz/);
    const env = Object.fromEntries(readFileSync(join(MULTI, 'agent.env'), 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2)));
    const documented = agentSettings();
    for (const k of Object.keys(env)) expect([k, documented.has(k)]).toEqual([k, true]);
    const hubs = env.SHAKEWATCH_AGENT_HUBS.split(',').map((u: string) => new URL(u));
    for (const u of hubs) expect([u.protocol, u.pathname]).toEqual(['ws:', '/ingest']);
    const balancer = hubs[0].host;
    expect(targets).not.toContain(balancer);
    expect(hubs.slice(1).map((u: URL) => u.host).sort()).toEqual([...targets].sort());
    // haproxy comes with scripts/install-system-deps.sh: missing, this fails
    const r = run('haproxy', ['-c', '-f', join(MULTI, 'haproxy.cfg')]);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('Configuration file is valid')]);
  });

  it('deploy/README.md\'s "Past one machine" names every file of deploy/multi-hub, deploy/kubernetes and deploy/docker', () => {
    const readme = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Past one machine'));
    expect(section).toBeDefined();
    const files = [
      ...readdirSync(MULTI).map((f) => `multi-hub/${f}`),
      ...readdirSync(K8S).filter((f) => !f.startsWith('.')).map((f) => `kubernetes/${f}`),
      ...readdirSync(DOCKER).filter((f) => f.endsWith('Dockerfile')).map((f) => `docker/${f}`),
    ];
    for (const f of files) expect([f, section!.includes(f)]).toEqual([f, true]);
    expect(section).toContain('kubectl apply -k deploy/kubernetes');
    expect(section).toContain('sum without (instance)');
  });

  it('make-secrets.sh is executable', () => {
    expect(statSync(join(K8S, 'make-secrets.sh')).mode & 0o111).not.toBe(0);
  });
});
