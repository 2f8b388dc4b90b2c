/** Prometheus text exposition → { 'name{labels}': value }, labels as printed. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition → one entry per sample, labels parsed. */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const [series, value] of samples(text)) {
    const m = /^(\w+)(?:\{(.*)\})?$/.exec(series);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    out.push({ name: m[1], labels, value });
  }
  return out;
}

/** Sum of the samples of `name` whose labels include `match`. */
export function sumOf(text: string | Sample[], name: string, match: Record<string, string> = {}): number {
  const list = typeof text === 'string' ? parseSamples(text) : text;
  return list.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}
