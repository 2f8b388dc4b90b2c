import { simpleInspectArgs } from './inspect-args';

describe('simpleInspectArgs', () => {
  const opts = (format: 'text' | 'ndjson', progress?: boolean) => ({ format, progress, maxConnections: undefined, memoryBudgetMiB: undefined });

  it('reads the file with commander\'s defaults', () => {
    expect(simpleInspectArgs(['x.pcap'])).toEqual({ file: 'x.pcap', options: opts('text') });
  });

  it('reads --format, -f and --format= in any order, the last one winning', () => {
    expect(simpleInspectArgs(['x.pcap', '--format', 'ndjson'])).toEqual({ file: 'x.pcap', options: opts('ndjson') });
    expect(simpleInspectArgs(['-f', 'ndjson', 'x.pcap'])).toEqual({ file: 'x.pcap', options: opts('ndjson') });
    expect(simpleInspectArgs(['--format=ndjson', 'x.pcap', '--format', 'text'])).toEqual({ file: 'x.pcap', options: opts('text') });
  });

  it('reads --progress and --no-progress, the last one winning', () => {
    expect(simpleInspectArgs(['--no-progress', 'x.pcap'])).toEqual({ file: 'x.pcap', options: opts('text', false) });
    expect(simpleInspectArgs(['--no-progress', 'x.pcap', '--progress'])).toEqual({ file: 'x.pcap', options: opts('text', true) });
  });

  it.each([
    [[]],
    [['--help']],
    [['x.pcap', '-h']],
    [['x.pcap', 'y.pcap']],
    [['x.pcap', '--format']],
    [['x.pcap', '--format', 'json']],
    [['x.pcap', '--format=']],
    [['x.pcap', '-fndjson']],
    [['x.pcap', '--max-connections', '10']],
    [['x.pcap', '--memory-budget-mib=64']],
    [['--', 'x.pcap']],
    [['-']],
    [['']],
    [['x.pcap', '--formats', 'ndjson']],
  ])('leaves %j to commander', (args) => {
    expect(simpleInspectArgs(args)).toBeNull();
  });
});
