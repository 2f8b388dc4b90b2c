import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfig } from './run-config';

// The bypass setting by the one rule of run-config.ts: flag (--no-bypass) over
// SHAKEWATCH_AGENT_BYPASS over the YAML file's `bypass`, on by default.
describe('run config: bypass', () => {
  const yaml = (text: string) => {
    const f = join(mkdtempSync(join(tmpdir(), 'shakewatch-config-')), 'agent.yaml');
    writeFileSync(f, text);
    return f;
  };

  it('is on by default', () => {
    expect(loadRunConfig({}, {}).bypass).toBe(true);
  });

  it('is read from the environment and the YAML file as any boolean is', () => {
    expect(loadRunConfig({}, { SHAKEWATCH_AGENT_BYPASS: 'off' }).bypass).toBe(false);
    expect(loadRunConfig({}, { SHAKEWATCH_AGENT_BYPASS: '0' }).bypass).toBe(false);
    expect(loadRunConfig({ config: yaml('bypass: no\n') }, {}).bypass).toBe(false);
    expect(loadRunConfig({ config: yaml('bypass: no\n') }, { SHAKEWATCH_AGENT_BYPASS: 'yes' }).bypass).toBe(true);
  });

  it('--no-bypass wins over the environment', () => {
    expect(loadRunConfig({ bypass: false }, { SHAKEWATCH_AGENT_BYPASS: 'true' }).bypass).toBe(false);
  });

  it('refuses a value that is not a boolean, with the others', () => {
    expect(() => loadRunConfig({}, { SHAKEWATCH_AGENT_BYPASS: 'maybe' })).toThrow(/SHAKEWATCH_AGENT_BYPASS: "maybe" is not true\/false/);
    expect(() => loadRunConfig({ config: yaml('bypass: sometimes\n') }, {})).toThrow(/bypass \(in .*\): "sometimes" is not true\/false/);
  });
});
