import { analyze } from '../testing/fixtures';
import { connectionEvent } from '../event/connection-event';

// Real captures from public test suites (small enough to inline; base64 of the pcap, cut
// to the frames named). tshark 4.0.17's tcp.analysis.initial_rtt is quoted for each:
// where it measures a handshake we agree to the nanosecond; where it times something
// that is not one, we deliberately do not (test/conformance/exceptions.json).
const pcap = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

/** arkime/arkime tests/pcap/no-syn-ack.pcap, frames 1-2: SYN, then the client's ACK; the SYN-ACK was not captured. */
const NO_SYN_ACK = pcap(
  '1MOyoQIABAAAAAAAAAAAAAAABAABAAAAYVhbWG7SBwBOAAAATgAAAAAigz8XxQAigz8XzIEAADIIAEUAADzygUAAPAblvwoKCgoKsLALnGkM6pmZy+cAAAAAoAIW0L0iAAACBAW0BAIICsVVOWYAAAAAAQMDCWFYW1hm0wcARgAAAEYAAAAAIoM/F8UAIoM/F8yBAAAyCABFAAA08oJAADwG5cYKCgoKCrCwC5xpDOqZmcvob0ae6oAQAAyAUwAAAQEICsVVOWZ5H/sA',
);

/** OISF/suricata-verify split-handshake-4whs.pcap: SYN, SYN from the server, SYN-ACK from the client, ACK from the server. */
const SPLIT_4WHS = pcap(
  '1MOyoQIABAAAAAAAAAAAAP//AAABAAAAzItUZjTDBgA2AAAANgAAACIiIiIiIhEREREREQgARQAAKAABAABABnTKAQEBAQICAgIwOQBQAAAD6AAAAABQAiAAVWwAAMyLVGZzxQYANgAAADYAAAAREREREREiIiIiIiIIAEUAACgAAQAAQAZ0ygICAgIBAQEBAFAwOQAAC7gAAAAAUAIgAE2cAADMi1RmiccGADYAAAA2AAAAIiIiIiIiERERERERCABFAAAoAAEAAEAGdMoBAQEBAgICAjA5AFAAAAPoAAALuVASIABJowAAzItUZpzJBgA2AAAANgAAABERERERESIiIiIiIggARQAAKAABAABABnTKAgICAgEBAQEAUDA5AAALuQAAA+lQECAASaQAAMyLVGa1ywYAOgAAADoAAAAiIiIiIiIREREREREIAEUAACwAAQAAQAZ0xgEBAQECAgICMDkAUAAAA+kAAAu5UBAgALr9AABFVklMzItUZs/RBgA2AAAANgAAABERERERESIiIiIiIggARQAAKAABAABABnTKAgICAgEBAQEAUDA5AAALuQAAA+1QECAASaAAAMyLVGbx0wYANgAAADYAAAAiIiIiIiIREREREREIAEUAACgAAQAAQAZ0ygEBAQECAgICMDkAUAAAA+0AAAAAUAQgAFVlAAA=',
);

/** zeek/zeek testing/btest/Traces/tcp/syn-then-ack-then-rst.pcap: SYN, a bare ACK from the server (no SYN-ACK), RST. */
const SYN_ACK_RST = pcap(
  '1MOyoQIABAAAAAAAAAAAAP//AAABAAAAPwNcXywIDwA2AAAANgAAAAAAAAAAAQAAAAAAAQgARQAAKAABAABABnbLAQEBAQEBAQIzS3pRAAAAAAAAAABQAiAA3kEAAD8DXF9hCQ8ANgAAADYAAAAAAAAAAAEAAAAAAAEIAEUAACgAAQAAQAZ2ywEBAQIBAQEBelEzSwAAAAAAAAAAUBAgAN4zAAA/A1xf+QkPADYAAAA2AAAAAAAAAAABAAAAAAABCABFAAAoAAEAAEAGdssBAQEBAQEBAjNLelEAAAAAAAAAAFAEIADePwAA',
);

/** FoxIO-LLC/ja4 pcap/CVE-2018-6794.pcap, frames 1-5: SYN, SYN-ACK, server data and FIN, then the client's ACK. */
const EARLY_SERVER_DATA = pcap(
  '1MOyoQIABAAAAAAAAAAAAAAABAABAAAAoixfWmC6CgBCAAAAQgAAAAAMKXn9lABQVsAAAggARQAANGGVQACABkFTwKjrAcCo64jRkR+Z94FWhAAAAACAAiAAuAMAAAIEBbQBAwMIAQEEAqIsX1q3ywoAPAAAADwAAAAAUFbAAAIADCl5/ZQIAEUAACgjxgAA/wZALsCo64jAqOsBH5nRkWuLRWf3gVaFUBI8jCtGAAAAAAAAAACiLF9auMsKAIsAAACLAAAAAFBWwAACAAwpef2UCABFAAB9I8YAAP8GP9nAqOuIwKjrAR+Z0ZFri0Vo94FWhVAYPIx3dgAASFRUUC8xLjEgMjAwIE9LDQpDb250ZW50LVR5cGU6IHRleHQvcGxhaW4NCkNvbnRlbnQtTGVuZ3RoOiAyMA0KDQp5b3UgaGFzIGJlZW4gaGFja2VkIaIsX1q4ywoAPAAAADwAAAAAUFbAAAIADCl5/ZQIAEUAACgjxgAA/wZALsCo64jAqOsBH5nRkWuLRb33gVaFUBE8jCrxAAAAAAAAAACiLF9aa80KADYAAAA2AAAAAAwpef2UAFBWwAACCABFAAAoYZZAAIAGQV7AqOsBwKjriNGRH5n3gVaFa4tFvlAQ/3BoDAAA',
);

describe('handshake iRTT on real captures', () => {
  it('completes the handshake on the client ACK that continues the SYN when the SYN-ACK was not captured', () => {
    const [c] = analyze(NO_SYN_ACK).connections;
    const e = connectionEvent(c);
    expect(c.synAckCount).toBe(0);
    expect(c.handshakeDone).toBe(true);
    expect(c.rttNs).toBe(248_000); // tshark: 0.000248000
    expect(e.tcp.handshake).toEqual({ rtt_seconds: 0.000248 }); // SYN -> SYN-ACK -> ACK split unknown
  });

  it('measures a split handshake from the SYN that was answered (the server\'s), as Wireshark does', () => {
    const [c] = analyze(SPLIT_4WHS).connections;
    const e = connectionEvent(c);
    expect(e.source).toMatchObject({ ip: '1.1.1.1', port: 12345 }); // the first SYN's sender stays the client
    expect(c.rttNs).toBe(1_065_000); // tshark: 0.001065000 (server SYN -> client SYN-ACK -> server ACK)
    expect(c.serverNs).toBe(534_000);
    expect(c.clientNs).toBe(531_000);
    expect(c.anomalies.synack_ack_mismatch).toBeUndefined();
    expect(c.anomalies.handshake_ack_mismatch).toBeUndefined();
  });

  it('measures no handshake when the server answers a SYN with a bare ACK (tshark times that ACK: 0.000309)', () => {
    const [c] = analyze(SYN_ACK_RST).connections;
    expect(c.handshakeDone).toBe(false);
    expect(connectionEvent(c).tcp.handshake).toBeUndefined();
    expect(c.connState).toBe('RSTOS0');
  });

  it('ends the handshake on the client ACK, not on server data sent before it (tshark: 0.004440, the server data)', () => {
    const [c] = analyze(EARLY_SERVER_DATA).connections;
    expect(c.rttNs).toBe(4_875_000); // SYN 1516186786.703072 -> client ACK .707947
    expect(c.serverNs).toBe(4_439_000);
    expect(c.clientNs).toBe(436_000);
  });
});
