// Jest projects: `unit` (specs beside the code), `e2e` (test/, real processes and
// captures), `conformance` (the public corpus, needs SHAKEWATCH_CORPUS; run by .ci/run).
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
const moduleNameMapper = {
  '^@shakewatch/decoder$': '<rootDir>/libs/decoder/src/index.ts',
  '^@shakewatch/pcap$': '<rootDir>/libs/pcap/src/index.ts',
  '^@shakewatch/protocol$': '<rootDir>/libs/protocol/src/index.ts',
};
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.spec.ts'], testPathIgnorePatterns: ['/test/conformance/'] },
    { ...common, displayName: 'conformance', testMatch: ['<rootDir>/test/conformance/**/*.spec.ts'] },
  ],
};
