// `npm run dashboard [-- --out FILE]`: writes the Grafana dashboard built by dashboard.ts
// to deploy/grafana/shakewatch.json (or FILE). That JSON is generated, never edited by hand:
// test/deploy/grafana-dashboard.spec.ts regenerates it and fails when the two differ.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dashboardJson } from './dashboard';

const args = process.argv.slice(2);
const i = args.indexOf('--out');
if (args.some((a) => a !== '--out' && !a.startsWith('-') && args[args.indexOf(a) - 1] !== '--out') || (i >= 0 && !args[i + 1]) || args.some((a) => a.startsWith('-') && a !== '--out')) {
  console.error('usage: npm run dashboard [-- --out FILE]');
  process.exit(2);
}
// npm runs scripts from the package root.
const out = resolve(i >= 0 ? args[i + 1] : 'deploy/grafana/shakewatch.json');
writeFileSync(out, dashboardJson());
console.log(`wrote ${out}`);
