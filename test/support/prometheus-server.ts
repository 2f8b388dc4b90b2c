import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './hub-process';

/** A free TCP port on loopback (for servers that cannot be told to pick one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function havePrometheus(): boolean {
  return spawnSync('prometheus', ['--version']).status === 0;
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusServer {
  url: string;
  /** Instant query: samples of the vector (or the scalar as one sample). */
  query(expr: string, time?: number): Promise<PromSample[]>;
  /** Range query: per series, the values at each step. */
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<{ metric: Record<string, string>; values: number[] }[]>;
  /** Wait until every target is up in a scrape. */
  targetsUp(): Promise<void>;
  stop(): Promise<void>;
  child: ChildProcess;
}

/**
 * SHAKEWATCH_HUB_HANDOVER_SECONDS for hubs this Prometheus scrapes: its scrape_interval
 * (1 s) + scrape_timeout (1 s: Prometheus caps the 10 s default at the interval).
 */
export const HANDOVER_SECONDS = '2';

/** A real Prometheus on a free loopback port, scraping `targets` every second, with a config the test writes. */
export async function startPrometheus(targets: string[], extra: { ruleFiles?: string[]; alertmanager?: string } = {}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'shakewatch-prom-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    ...(extra.ruleFiles?.length ? ['rule_files:', ...extra.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
    ...(extra.alertmanager ? ['alerting:', '  alertmanagers:', '    - static_configs:', `        - targets: [${JSON.stringify(extra.alertmanager)}]`] : []),
    'scrape_configs:',
    '  - job_name: shakewatch-hub',
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  const child = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--web.enable-lifecycle',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await eventually(`Prometheus ready (${logs.slice(-500)})`, async () => ((await fetch(`${url}/-/ready`).catch(() => null))?.ok ? true : undefined), 30_000);

  const api = async (path: string, params: Record<string, string>) => {
    const r = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params)}`);
    const body = (await r.json()) as { status: string; error?: string; data: { resultType: string; result: unknown } };
    if (body.status !== 'success') throw new Error(`Prometheus ${path} ${params.query}: ${body.error}`);
    return body.data;
  };
  const server: PrometheusServer = {
    url,
    child,
    async query(expr, time) {
      const data = await api('query', { query: expr, ...(time ? { time: String(time) } : {}) });
      if (data.resultType === 'scalar') return [{ metric: {}, value: Number((data.result as [number, string])[1]) }];
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
    },
    async queryRange(expr, start, end, step) {
      const data = await api('query_range', { query: expr, start: String(start), end: String(end), step: String(step) });
      return (data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((s) => ({ metric: s.metric, values: s.values.map((v) => Number(v[1])) }));
    },
    async targetsUp() {
      await eventually('every target up', async () => {
        const r = await server.query('up');
        return r.length === targets.length && r.every((s) => s.value === 1) ? true : undefined;
      }, 30_000);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  return server;
}
