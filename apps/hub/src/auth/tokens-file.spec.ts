import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchAgentPattern } from './agent-pattern';
import { allowsAgent, loadTokensFile, parseTokensFile, TokensFileError } from './tokens-file';

const hex = (t: string) => createHash('sha256').update(t).digest('hex');

describe('tokens file', () => {
  it('reads hashes and pattern lists, skipping comments and blank lines', () => {
    const text = [
      '# the fleet',
      '',
      `sha256:${hex('a')} web-*,db-1   # web servers and one database`,
      `   sha256:${hex('b').toUpperCase()}\tedge-?`.replace('?', '*'),
      '   # indented comment',
    ].join('\n');
    const entries = parseTokensFile(text);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ patterns: ['web-*', 'db-1'], line: 3 });
    expect(entries[0].hash.equals(createHash('sha256').update('a').digest())).toBe(true);
    expect(entries[1]).toMatchObject({ patterns: ['edge-*'], line: 4 });
    expect(entries[1].hash.toString('hex')).toBe(hex('b'));
    expect(allowsAgent(entries[0], 'web-17')).toBe(true);
    expect(allowsAgent(entries[0], 'db-1')).toBe(true);
    expect(allowsAgent(entries[0], 'db-12')).toBe(false);
    expect(allowsAgent(entries[1], 'web-1')).toBe(false);
  });

  it.each([
    ['a clear token instead of a hash', 'hunter2 web-1', /line 2: expected sha256:/],
    ['a short hash', `sha256:${hex('a').slice(2)} web-1`, /line 2: the hash must be 64 hex digits/],
    ['no pattern', `sha256:${hex('a')}`, /line 2: no agent-id pattern/],
    ['spaces between patterns', `sha256:${hex('a')} web-1, web-2`, /line 2: patterns are one comma-separated list/],
    ['a pattern with a bad character', `sha256:${hex('a')} web/1`, /line 2: bad agent-id pattern "web\/1"/],
    ['an empty pattern', `sha256:${hex('a')} web-1,,db`, /line 2: bad agent-id pattern ""/],
  ])('refuses %s, naming the line', (_what, bad, message) => {
    expect(() => parseTokensFile(`# ok\n${bad}\nsha256:${hex('c')} x`)).toThrow(message);
  });

  it('refuses a file with no tokens', () => {
    expect(() => parseTokensFile('# nothing\n\n')).toThrow(/no tokens/);
  });

  it('names the file when it cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-tokens-'));
    expect(() => loadTokensFile(join(dir, 'missing'))).toThrow(new TokensFileError(`cannot read tokens file ${join(dir, 'missing')}: no such file`));
    expect(() => loadTokensFile(dir)).toThrow(/it is a directory/);
    writeFileSync(join(dir, 'bad'), `sha256:${hex('a')} ok\nnope\n`);
    expect(() => loadTokensFile(join(dir, 'bad'))).toThrow(`tokens file ${join(dir, 'bad')} line 2: expected`);
  });
});

describe('agent-id patterns', () => {
  it.each([
    ['*', '', true], ['*', 'anything', true], ['web-*', 'web-', true], ['web-*', 'web-1', true], ['web-*', 'xweb-1', false],
    ['*-db', 'eu-db', true], ['*-db', 'eu-db2', false], ['a*b*c', 'abc', true], ['a*b*c', 'aXXbYYc', true], ['a*b*c', 'aXXbYY', false],
    ['exact', 'exact', true], ['exact', 'exactly', false], ['**', 'x', true], ['a*a*a*a*a*a*b', 'a'.repeat(128), false],
  ])('%s vs %s -> %s', (pattern, id, want) => {
    expect(matchAgentPattern(pattern, id)).toBe(want);
  });

  it('agrees with a regular expression on random patterns and ids', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const alphabet = 'ab-*';
    for (let k = 0; k < 3000; k++) {
      const pattern = Array.from({ length: 1 + rnd(6) }, () => alphabet[rnd(4)]).join('');
      const id = Array.from({ length: rnd(8) }, () => 'ab-'[rnd(3)]).join('');
      const re = new RegExp(`^${pattern.replace(/[-]/g, '\\-').replace(/\*/g, '.*')}$`);
      expect([pattern, id, matchAgentPattern(pattern, id)]).toEqual([pattern, id, re.test(id)]);
    }
  });

  it('stays fast on a pattern that makes a backtracking regex explode', () => {
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) matchAgentPattern('*a*a*a*a*a*a*a*a*b', 'a'.repeat(128));
    expect(Date.now() - t0).toBeLessThan(500);
  });
});
