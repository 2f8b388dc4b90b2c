// A small PromQL reader for checking deploy/'s queries against libs/protocol's contract:
// which metric names a query selects, which labels it matches, groups or joins on, and
// which values it compares them with. Not a full parser (promtool and Prometheus parse the
// same expressions for real in the tests); it understands selectors, range and subquery
// brackets, offsets, function calls, aggregations with by/without before or after their
// body, and vector matching (on/ignoring/group_left/group_right).
import { LABEL_DOMAINS, allMetricLabels } from '@shakewatch/protocol';

type Tok = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; value?: string };

const AGGREGATIONS = new Set(['sum', 'avg', 'count', 'min', 'max', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'group']);
/** Functions a query may use (the ones that invent or rename labels, like label_replace, are not allowed here). */
const FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'resets', 'changes', 'histogram_quantile', 'abs', 'ceil', 'floor', 'round', 'clamp', 'clamp_min', 'clamp_max',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'quantile_over_time', 'present_over_time',
  'absent', 'absent_over_time', 'time', 'timestamp', 'vector', 'scalar', 'sort', 'sort_desc', 'predict_linear', 'sgn', 'exp', 'ln', 'log2', 'log10', 'sqrt',
]);
const BINARY_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'atan2']);
const MATCHING = new Set(['on', 'ignoring', 'group_left', 'group_right']);
/** Labels Prometheus adds to every scraped series (target labels). */
export const TARGET_LABELS = new Set(['job', 'instance']);
/** Series Prometheus itself makes for each scrape. */
const PROMETHEUS_SERIES: [string, string[]][] = [['up', []], ['scrape_duration_seconds', []], ['scrape_samples_scraped', []]];

export function tokenize(expr: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < expr.length && expr[i] !== '\n') i++; continue; }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1, value = '';
      while (j < expr.length && expr[j] !== c) {
        if (expr[j] === '\\' && c !== '`') { value += JSON.parse(`"\\${expr[j + 1] === "'" ? 'u0027' : expr[j + 1]}"`); j += 2; } else value += expr[j++];
      }
      if (j >= expr.length) throw new Error(`unterminated string in ${expr}`);
      toks.push({ kind: 'string', text: expr.slice(i, j + 1), value });
      i = j + 1;
      continue;
    }
    const num = /^(?:0x[0-9a-fA-F]+|(?:[0-9]+(?:ms|[smhdwy]))+|[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)/.exec(expr.slice(i));
    if (/[0-9.]/.test(c) && num) { toks.push({ kind: 'number', text: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i));
    if (id) { toks.push({ kind: 'ident', text: id[0] }); i += id[0].length; continue; }
    const op = /^(?:=~|!~|!=|==|>=|<=|[-+*/%^=<>(){}[\],@])/.exec(expr.slice(i));
    if (!op) throw new Error(`unexpected ${JSON.stringify(c)} at ${i} in ${expr}`);
    toks.push({ kind: 'punct', text: op[0] });
    i += op[0].length;
  }
  return toks;
}

export interface Matcher { label: string; op: string; value: string }
export interface Selector { metric: string; matchers: Matcher[]; start: number }
interface Grouping { labels: string[]; from: number; to: number; kind: string }

/** The selectors, groupings and joins of an expression. */
export function analyse(expr: string): { selectors: Selector[]; groupings: Grouping[]; joins: string[] } {
  const t = tokenize(expr);
  const selectors: Selector[] = [];
  const groupings: Grouping[] = [];
  const joins: string[] = [];
  const closing = (open: number): number => {
    const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
    let depth = 0;
    for (let k = open; k < t.length; k++) {
      if (t[k].kind !== 'punct') continue;
      if (t[k].text === t[open].text) depth++;
      else if (t[k].text === pairs[t[open].text] && --depth === 0) return k;
    }
    throw new Error(`unbalanced ${t[open].text} in ${expr}`);
  };
  const labelList = (open: number): { labels: string[]; end: number } => {
    if (t[open]?.text !== '(') throw new Error(`expected ( after ${t[open - 1].text} in ${expr}`);
    const end = closing(open);
    const labels = t.slice(open + 1, end).filter((x) => x.text !== ',').map((x) => {
      if (x.kind !== 'ident') throw new Error(`not a label name: ${x.text} in ${expr}`);
      return x.text;
    });
    return { labels, end };
  };
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok.kind === 'punct' && tok.text === '[') { i = closing(i); continue; }
    if (tok.kind === 'punct' && tok.text === '{') throw new Error(`a selector without a metric name in ${expr}`);
    if (tok.kind !== 'ident') continue;
    const next = t[i + 1];
    if (tok.text === 'offset') { i++; continue; }
    if (tok.text === 'by' || tok.text === 'without') { i = labelList(i + 1).end; continue; } // a trailing clause, read with its aggregation
    if (BINARY_KEYWORDS.has(tok.text) || tok.text === 'inf' || tok.text === 'nan') continue;
    if (MATCHING.has(tok.text)) {
      if (next?.text === '(') { const l = labelList(i + 1); joins.push(...l.labels); i = l.end; }
      continue;
    }
    if (AGGREGATIONS.has(tok.text) && next?.text === '(' || AGGREGATIONS.has(tok.text) && (next?.text === 'by' || next?.text === 'without')) {
      let j = i + 1, labels: string[] = [], kind = 'by';
      if (t[j].text === 'by' || t[j].text === 'without') { kind = t[j].text; const l = labelList(j + 1); labels = l.labels; j = l.end + 1; }
      const bodyEnd = closing(j);
      if (t[bodyEnd + 1]?.text === 'by' || t[bodyEnd + 1]?.text === 'without') {
        kind = t[bodyEnd + 1].text;
        const l = labelList(bodyEnd + 2);
        labels = l.labels; // the walk skips this trailing clause when it reaches it (below)
      }
      groupings.push({ labels, from: j, to: bodyEnd, kind });
      i = j; // walk into the body; a leading by-clause is skipped
      continue;
    }
    if (next?.text === '(') {
      if (!FUNCTIONS.has(tok.text)) throw new Error(`function ${tok.text} is not one this check understands (${expr})`);
      continue;
    }
    // A metric name, maybe with matchers.
    const sel: Selector = { metric: tok.text, matchers: [], start: i };
    if (next?.text === '{') {
      const end = closing(i + 1);
      const inner = t.slice(i + 2, end).filter((x) => x.text !== ',');
      for (let k = 0; k < inner.length; k += 3) {
        const [l, op, v] = inner.slice(k, k + 3);
        if (l?.kind !== 'ident' || !op || !['=', '!=', '=~', '!~'].includes(op.text) || v?.kind !== 'string') throw new Error(`bad matcher in ${expr}`);
        sel.matchers.push({ label: l.text, op: op.text, value: v.value! });
      }
      i = end;
    }
    selectors.push(sel);
  }
  return { selectors, groupings, joins };
}

/** The top-level alternatives of a regular expression (split on | outside groups and classes). */
function alternatives(re: string): string[] {
  const out: string[] = [];
  let depth = 0, cls = false, cur = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') { cur += c + (re[i + 1] ?? ''); i++; continue; }
    if (cls) { if (c === ']') cls = false; } else if (c === '[') cls = true; else if (c === '(') depth++; else if (c === ')') depth--; else if (c === '|' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** Problems with a label value compared in a matcher, given the label's domain in libs/protocol. */
function valueProblems(m: Matcher): string[] {
  const domain = LABEL_DOMAINS[m.label];
  if (!domain) return [];
  const ok = (v: string) => ('values' in domain ? domain.values.includes(v) : domain.pattern.test(v));
  if (m.op === '=' || m.op === '!=') return ok(m.value) ? [] : [`${m.label}${m.op}"${m.value}": not a value the contract allows for ${m.label}`];
  const problems: string[] = [];
  for (const alt of alternatives(m.value)) {
    const re = new RegExp(`^(?:${alt})$`);
    if ('values' in domain) {
      if (!domain.values.some((v) => re.test(v))) problems.push(`${m.label}${m.op}"${m.value}": the alternative "${alt}" matches none of ${domain.values.join(' ')}`);
    } else if (/^(?:[^\\^$.|?*+()[\]{}]|\\.)*$/.test(alt)) {
      const literal = alt.replace(/\\(.)/g, '$1');
      if (!domain.pattern.test(literal)) problems.push(`${m.label}${m.op}"${m.value}": "${literal}" is not a value the contract allows for ${m.label}`);
    }
  }
  return problems;
}

/** Metric name -> labels: the contract's families, Prometheus' own per-target series, and `extra` (recording rules). */
export function knownSeries(extra: Map<string, Set<string>> = new Map()): Map<string, Set<string>> {
  const known = allMetricLabels();
  for (const [name, labels] of PROMETHEUS_SERIES) known.set(name, new Set(labels));
  for (const [name, labels] of extra) known.set(name, labels);
  return known;
}

/**
 * Every problem with an expression: unknown metric names, labels a selected metric does not
 * have (target labels job and instance aside), grouping labels that some metric in the
 * aggregated body lacks, join labels no metric in the expression has, and compared values
 * outside a closed label's domain.
 */
export function checkExpr(expr: string, known: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  let a: ReturnType<typeof analyse>;
  try { a = analyse(expr); } catch (e) { return [(e as Error).message]; }
  if (a.selectors.length === 0 && !/\b(?:time|vector)\s*\(/.test(expr)) problems.push(`no metric selected in ${expr}`);
  const has = (metric: string, label: string) => TARGET_LABELS.has(label) || !!known.get(metric)?.has(label);
  for (const s of a.selectors) {
    if (!known.has(s.metric)) { problems.push(`unknown metric ${s.metric}`); continue; }
    for (const m of s.matchers) {
      if (!has(s.metric, m.label)) problems.push(`${s.metric} has no label ${m.label}`);
      else problems.push(...valueProblems(m));
    }
  }
  for (const g of a.groupings) {
    // The selectors inside this aggregation's body (by token position).
    const inside = a.selectors.filter((s) => s.start > g.from && s.start < g.to);
    for (const label of g.labels) for (const s of inside) if (known.has(s.metric) && !has(s.metric, label)) problems.push(`${g.kind} (${label}) over ${s.metric}, which has no label ${label}`);
  }
  for (const label of a.joins) if (!a.selectors.some((s) => has(s.metric, label))) problems.push(`on/ignoring/group (${label}): no metric in the expression has it`);
  return [...new Set(problems)];
}

/** The labels a recording rule's result carries: its outermost by-list (minus le under histogram_quantile), or its single selector's labels. */
export function recordedLabels(expr: string, known: Map<string, Set<string>>): Set<string> {
  const a = analyse(expr);
  const outer = a.groupings.filter((g) => g.kind === 'by').sort((x, y) => x.from - y.from)[0];
  if (outer) return new Set(outer.labels.filter((l) => !(l === 'le' && /^\s*histogram_quantile\s*\(/.test(expr))));
  const metrics = new Set(a.selectors.map((s) => s.metric));
  if (metrics.size === 1) return new Set(known.get([...metrics][0]) ?? []);
  throw new Error(`cannot tell the labels of recording rule ${expr}: aggregate with by (...)`);
}

/** A dashboard query with Grafana's variables as Prometheus sees them when "All" is chosen. */
export function substitute(expr: string, rateInterval = '1m', range = '1h'): string {
  return expr.replace(/\$__rate_interval/g, rateInterval).replace(/\$__range/g, range).replace(/\$agent|\$\{agent\}/g, '.+').replace(/\$direction|\$\{direction\}/g, '.+');
}
