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
