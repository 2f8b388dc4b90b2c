import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

// Issue 11: libs/decoder's folders depend one way (capture -> packet layers -> tcp -> tls ->
// event; .dependency-cruiser.cjs). `npm run lint` runs dependency-cruiser with those rules;
// here a module with a back-import is dropped into a folder and the rule must name it.
describe('decoder folders depend one way', () => {
  const depcruise = (): { status: number | null; out: string } => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'libs/decoder/src'], { cwd: ROOT, encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  it('passes on the decoder as it is', () => {
    const r = depcruise();
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });

  it.each([
    ['tcp', "import { TlsStreams } from '../tls/tls-streams';\nexport const x = TlsStreams;\n", 'decoder-tcp-no-back-import'],
    ['tls', "import { connectionEvent } from '../event/connection-event';\nexport const x = connectionEvent;\n", 'decoder-tls-no-back-import'],
    ['link', "import { ConnTracker } from '../tcp/conn-tracker';\nexport const x = ConnTracker;\n", 'decoder-link-no-back-import'],
    ['capture', "import { PacketDecoder } from '../packet-decoder';\nimport { decodeTcp } from '../transport/tcp';\nexport const x = [PacketDecoder, decodeTcp];\n", 'decoder-capture-no-back-import'],
  ])('fails on a back-import from %s/', (folder, code, rule) => {
    const probe = join(ROOT, 'libs/decoder/src', folder, `lint-probe-${process.pid}.ts`);
    writeFileSync(probe, code);
    try {
      const r = depcruise();
      expect(r.status).not.toBe(0);
      expect(r.out).toContain(rule);
      expect(r.out).toContain(`lint-probe-${process.pid}.ts`);
    } finally {
      rmSync(probe, { force: true });
    }
  }, 60_000);
});
