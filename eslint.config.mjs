import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// libs/decoder and libs/protocol must stay pure: no I/O, no frameworks. The Nx boundary rule enforces
// the project graph; no-restricted-imports catches Node built-ins Nx does not model.
const ioModules = ['fs', 'net', 'dgram', 'http', 'https', 'tls', 'child_process', 'worker_threads', 'cluster'];
const bannedInDecoder = [
  'cap', 'ws', '@nestjs/*', 'prom-client', 'pino', 'commander', 'cli-progress',
  ...ioModules, ...ioModules.map((m) => `node:${m}`), 'fs/promises', 'node:fs/promises',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:pure',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: bannedInDecoder,
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:pure', 'type:lib'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and test helpers may read fixture files; the purity rules are for shipped code.
    files: ['**/*.spec.ts', '**/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }] }],
    },
  },
  {
    // Issue 11: the decoder's functions stay short enough to read as named steps.
    files: ['libs/decoder/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80 }] },
  },
  {
    files: ['libs/decoder/src/**/*.ts', 'libs/protocol/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { paths: bannedInDecoder.filter((m) => !m.includes('*')), patterns: ['@nestjs/*'] }],
    },
  },
);
