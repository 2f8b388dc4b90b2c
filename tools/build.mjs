// Build one app: tsc compiles the workspace (so NestJS decorator metadata is emitted
// by the real TypeScript compiler), then esbuild bundles the app's compiled JS with
// our own libs into dist/apps/<app>/main.js. npm packages stay external (node_modules).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = process.argv[2];
if (!app || !existsSync(join(root, 'apps', app, 'src', 'main.ts'))) {
  console.error(`usage: node tools/build.mjs <app>  (no apps/${app ?? '?'}/src/main.ts)`);
  process.exit(2);
}

try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  console.error('build failed: TypeScript reported the errors above');
  process.exit(1);
}

const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const libAliases = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, [target]]) => [
    name,
    join(root, 'dist/out-tsc', target.replace(/\.ts$/, '.js')),
  ]),
);

const workspaceLibs = {
  name: 'workspace-libs',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      libAliases[args.path] ? { path: libAliases[args.path] } : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: [join(root, 'dist/out-tsc/apps', app, 'src/main.js')],
  outfile: join(root, 'dist/apps', app, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [workspaceLibs],
});
// The bundle is the command (its first line names Node and its flags): executable.
chmodSync(join(root, 'dist/apps', app, 'main.js'), 0o755);
console.log(`built dist/apps/${app}/main.js`);
