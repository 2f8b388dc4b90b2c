// libs/decoder's folders in the order the data goes through them; a folder may import
// only from folders before it (and the root helpers), never back (npm run lint runs it;
// test/lint/decoder-folders.spec.ts shows a back-import fails). Type-only imports are not
// dependencies here (they vanish at compile time): a Connection names its TLS slots'
// types, but no code in tcp/ reaches tls/ (the tracker is handed a StreamHook).
//
//   root helpers (bytes, time, errors, address, decoded-packet, layer-cursor)
//   -> capture/ -> link/, network/, tunnel/, transport/ (packet layers) -> packet-decoder
//   -> tcp/ (tracking) -> tls/ (reassembly, records, hellos) -> event/ -> capture-analyzer, index
const SRC = '^libs/decoder/src/';
const LATER = {
  capture: ['link', 'network', 'tunnel', 'transport', 'tcp', 'tls', 'event'],
  link: ['tcp', 'tls', 'event'],
  network: ['tcp', 'tls', 'event'],
  tunnel: ['tcp', 'tls', 'event'],
  transport: ['tcp', 'tls', 'event'],
  tcp: ['capture', 'tls', 'event'],
  tls: ['event'],
};

module.exports = {
  forbidden: [
    ...Object.entries(LATER).map(([folder, later]) => ({
      name: `decoder-${folder}-no-back-import`,
      comment: `libs/decoder/src/${folder}/ imports only from folders before it (${later.join(', ')} come after, or are not its business)`,
      severity: 'error',
      from: { path: `${SRC}${folder}/`, pathNot: '\\.spec\\.ts$' },
      to: { path: `${SRC}(${later.join('|')})/` },
    })),
    {
      name: 'decoder-no-cycle',
      comment: 'no import cycle between the decoder\'s modules',
      severity: 'error',
      from: { path: SRC, pathNot: '(\\.spec\\.ts$|/testing/)' },
      to: { circular: true },
    },
    {
      name: 'decoder-root-helpers-import-nothing-later',
      comment: 'the root helpers are imported by every folder: they import none of them',
      severity: 'error',
      from: { path: `${SRC}(bytes|time|errors|address|decoded-packet|layer-cursor)\\.ts$` },
      to: { path: `${SRC}(capture|link|network|tunnel|transport|tcp|tls|event|testing)/` },
    },
    {
      name: 'decoder-no-testing-in-shipped-code',
      comment: 'testing/ helpers are for specs only',
      severity: 'error',
      from: { path: SRC, pathNot: '(\\.spec\\.ts$|/testing/)' },
      to: { path: `${SRC}testing/` },
    },
  ],
  options: {
    includeOnly: SRC,
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: false,
  },
};
