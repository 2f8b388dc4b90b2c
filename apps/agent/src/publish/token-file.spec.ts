import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPemFile, readTokenFile } from './token-file';

const dir = mkdtempSync(join(tmpdir(), 'shakewatch-token-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('readTokenFile', () => {
  it('the whole file, trailing newline trimmed', () => {
    expect(readTokenFile(file('a', 's3cr3t-Token_1\n'))).toEqual({ ok: true, value: 's3cr3t-Token_1' });
    expect(readTokenFile(file('b', 'tok\r\n\n'))).toEqual({ ok: true, value: 'tok' });
  });

  it('missing, a directory, empty: one sentence naming the file', () => {
    expect(readTokenFile(join(dir, 'none'))).toEqual({ ok: false, problem: `cannot read ${join(dir, 'none')}: no such file` });
    mkdirSync(join(dir, 'd'));
    expect(readTokenFile(join(dir, 'd'))).toEqual({ ok: false, problem: `cannot read ${join(dir, 'd')}: it is a directory` });
    expect(readTokenFile(file('e', '\n'))).toEqual({ ok: false, problem: `${join(dir, 'e')} is empty (it should hold the agent's token)` });
  });

  it('unreadable (permission denied), unless root', () => {
    const p = file('p', 'tok\n');
    chmodSync(p, 0o000);
    const r = readTokenFile(p);
    if (process.getuid?.() === 0) expect(r.ok).toBe(true);
    else expect(r).toEqual({ ok: false, problem: `cannot read ${p}: permission denied` });
  });

  it('a token a header cannot carry is refused without quoting it', () => {
    const r = readTokenFile(file('s', 'two words-SECRET\n'));
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toMatch(/SECRET/);
  });
});

describe('readPemFile', () => {
  it('PEM bytes, or why not', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(readPemFile(file('c.pem', pem))).toEqual({ ok: true, value: Buffer.from(pem) });
    expect(readPemFile(file('x.pem', 'nope'))).toEqual({ ok: false, problem: `${join(dir, 'x.pem')} is not a PEM file` });
  });
});
