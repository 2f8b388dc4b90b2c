import { CaptureAnalyzer } from './capture-analyzer';
import { connectionEvent } from './event/connection-event';
import { fixture } from './testing/fixtures';

function events(name: string, summarizeTlsEarly: boolean): { json: string[]; sessionsKept: number } {
  const json: string[] = [];
  let sessionsKept = 0;
  const a = new CaptureAnalyzer((c) => {
    if (c.tls !== null) sessionsKept++;
    json.push(JSON.stringify(connectionEvent(c)));
  }, { summarizeTlsEarly });
  a.push(fixture(name));
  a.end();
  return { json, sessionsKept };
}

describe('CaptureAnalyzer summarizeTlsEarly', () => {
  it.each(['tls-basic.pcap', 'tls-hrr.pcap', 'tls-alerts.pcap', 'tls-resumption.pcap', 'tls-starttls.pcap', 'tls-tiny-mtu.pcap', 'tcp-mixed.pcapng'])(
    '%s: the same events, without keeping the TLS sessions',
    (name) => {
      const late = events(name, false);
      const early = events(name, true);
      expect(early.json).toEqual(late.json);
      if (name.startsWith('tls-')) {
        expect(late.sessionsKept).toBeGreaterThan(0);
        expect(early.sessionsKept).toBe(0);
      }
    },
  );
});

describe('ConnTracker reuseConnections', () => {
  const run = (name: string, reuseConnections: boolean, maxConnections?: number): string[] => {
    const json: string[] = [];
    const a = new CaptureAnalyzer((c) => json.push(JSON.stringify(connectionEvent(c))), { reuseConnections, maxConnections, summarizeTlsEarly: true });
    a.push(fixture(name));
    a.end();
    return json;
  };

  it.each(['tcp-mixed.pcapng', 'tls-resumption.pcap', 'tls-alerts.pcap', 'tcp-normal-close.pcap', 'tls-hrr.pcap'])('%s: reused objects give the same events as new ones', (name) => {
    expect(run(name, true)).toEqual(run(name, false));
    // a table of one connection forces every new connection onto a reused object
    expect(run(name, true, 1)).toEqual(run(name, false, 1));
  });
});
