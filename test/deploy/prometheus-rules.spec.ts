// deploy/prometheus: promtool's own checks and unit tests of the rules, every alert's
// metadata and runbook, the coverage of the unit tests (each alert fires in one and stays
// quiet in another), and every expression against libs/protocol's metric contract.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LEGACY_TLS_VERSIONS, WEAK_CIPHERS } from '../../deploy/grafana/src/tls-policy';
import { analyse, checkExpr, knownSeries, recordedLabels } from './promql-check';

const DIR = join(__dirname, '../../deploy/prometheus');
const RULES = join(DIR, 'shakewatch.rules.yml');
const TESTS = join(DIR, 'shakewatch.rules.test.yml');

interface Rule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
const rules: Rule[] = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
const records = rules.filter((r) => r.record);

function promtool(...args: string[]) {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** GitHub's anchor for a Markdown heading. */
export const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');

describe('deploy/prometheus', () => {
  it('promtool check rules passes', () => {
    const r = promtool('check', 'rules', RULES);
    expect(r).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  it('promtool test rules passes', () => {
    const r = promtool('test', 'rules', TESTS);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toMatch(/SUCCESS/);
  });

  it('promtool check config passes on the example prometheus.yml (which loads the rules)', () => {
    const r = promtool('check', 'config', join(DIR, 'prometheus.yml'));
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('shakewatch.rules.yml');
  });

  it('has the alerts the issue asks for', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'ShakewatchAgentAbsent', 'ShakewatchAgentDown', 'ShakewatchAgentShedding', 'ShakewatchCaptureDrops', 'ShakewatchHandshakeLatencyHigh', 'ShakewatchHubAbsent', 'ShakewatchHubDown',
      'ShakewatchLegacyTLS', 'ShakewatchRefusedConnectionsSpike', 'ShakewatchResetSpike', 'ShakewatchUnansweredConnectionsSpike', 'ShakewatchWeakCipher',
    ]);
  });

  it('every alert has for, a severity, a summary, a description and a runbook in deploy/README.md', () => {
    const readme = readFileSync(join(DIR, '../README.md'), 'utf8');
    const anchors = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1])));
    for (const a of alerts) {
      expect([a.alert, a.for]).toEqual([a.alert, expect.stringMatching(/^[0-9]+[smh]$/)]);
      expect([a.alert, a.labels?.severity]).toEqual([a.alert, expect.stringMatching(/^(critical|warning|info)$/)]);
      expect(Object.keys(a.annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
      const anchor = /#([a-z0-9-]+)$/.exec(a.annotations!.runbook_url)?.[1];
      expect([a.alert, anchor]).toEqual([a.alert, a.alert!.toLowerCase()]);
      expect([a.alert, anchors.has(anchor!)]).toEqual([a.alert, true]);
    }
  });

  it('every alert has a unit test where it fires and one where it must stay quiet', () => {
    type Case = { alertname: string; exp_alerts?: unknown[] };
    const cases = (parse(readFileSync(TESTS, 'utf8')) as { tests: { alert_rule_test?: Case[] }[] }).tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of alerts) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      expect([a.alert, mine.some((c) => (c.exp_alerts ?? []).length > 0)]).toEqual([a.alert, true]);
      expect([a.alert, mine.some((c) => (c.exp_alerts ?? []).length === 0)]).toEqual([a.alert, true]);
    }
  });

  it('every expression names only metrics, labels and label values libs/protocol defines (and recording rules defined here)', () => {
    const known = knownSeries();
    for (const r of records) {
      expect([r.record, checkExpr(r.expr, known)]).toEqual([r.record, []]);
      known.set(r.record!, recordedLabels(r.expr, known));
    }
    for (const a of alerts) expect([a.alert, checkExpr(a.expr, known)]).toEqual([a.alert, []]);
    // Recording rule names follow level:metric:operations, the level naming their labels.
    for (const r of records) expect([r.record, [...known.get(r.record!)!].sort().join('_')]).toEqual([r.record, r.record!.split(':')[0].split('_').sort().join('_')]);
  });

  it('the check catches a wrong metric, label or value', () => {
    const known = knownSeries();
    expect(checkExpr('rate(shakewatch_tcp_reset_total[5m])', known)).toEqual(['unknown metric shakewatch_tcp_reset_total']);
    expect(checkExpr('sum by (agent, port) (rate(shakewatch_tls_handshakes_total[5m]))', known)).toEqual(['by (port) over shakewatch_tls_handshakes_total, which has no label port']);
    expect(checkExpr('shakewatch_tcp_resets_total{phase="syn"}', known)).toEqual(['phase="syn": not a value the contract allows for phase']);
    expect(checkExpr('shakewatch_tcp_connections_total{conn_state=~"REJ|RST"}', known)).toHaveLength(1);
    expect(checkExpr('shakewatch_tcp_resets_total{port="http"}', known)).toHaveLength(1);
  });

  it('the legacy-TLS and weak-cipher regular expressions are the ones deploy/grafana/src/tls-policy.ts defines', () => {
    const used = (label: string) => new Set(alerts.flatMap((a) => analyse(a.expr).selectors.flatMap((s) => s.matchers.filter((m) => m.label === label && m.op === '=~').map((m) => m.value))));
    expect([...used('version')]).toEqual([LEGACY_TLS_VERSIONS]);
    expect([...used('cipher')]).toEqual([WEAK_CIPHERS]);
  });
});
