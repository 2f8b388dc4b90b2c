import { flagNames } from './flag-names';

// Bytes 12-13 of real TCP headers (data offset, reserved bits, AE; then CWR ECE URG ACK PSH RST
// SYN FIN), with the flags as tshark 4.0 writes them in its Info column. From
// test/fixtures/captures/ and /work/shared/captures/public/ (MANIFEST.md).
// Not here: segments with both SYN and FIN, which tshark writes FIN first ("FIN, SYN, URG",
// suricata-verify/urgent11-cve-2019-12260.pcap frame 6) and flagNames SYN first.
/** The flags as decodeTcp keeps them: byte 13, and AE (byte 12's low bit) as 0x100. */
function flagsOf(bytes12and13: string): number {
  const [b12, b13] = [bytes12and13.slice(0, 2), bytes12and13.slice(2, 4)].map((h) => parseInt(h, 16));
  return b13 | ((b12 & 0x01) << 8);
}

describe('flagNames', () => {
  it.each<[string, string, string]>([
    ['tcp-normal-close.pcap frame 1', 'a002', 'SYN'],
    ['tcp-normal-close.pcap frame 2', 'a012', 'SYN, ACK'],
    ['tcp-normal-close.pcap frame 3', '8010', 'ACK'],
    ['tcp-normal-close.pcap frame 4', '8018', 'PSH, ACK'],
    ['tcp-normal-close.pcap frame 8', '8011', 'FIN, ACK'],
    ['tcp-server-abort.pcap frame 6', '8014', 'RST, ACK'],
    ['ja4/macos_tcp_flags.pcap frame 1', 'b0c2', 'SYN, ECE, CWR'],
    ['ja4/macos_tcp_flags.pcap frame 2', 'a052', 'SYN, ACK, ECE'],
    ['tcpdump/accecn_handshake.pcap frame 1', 'a1c2', 'SYN, ECE, CWR, AE'],
    ['tcpdump/accecn_handshake.pcap frame 2', 'd092', 'SYN, ACK, CWR'],
    ['ndpi/tcp_scan.pcapng frame 21 (FIN scan)', '5001', 'FIN'],
    ['ndpi/tcp_scan.pcapng frame 29 (Xmas scan)', '5029', 'FIN, PSH, URG'],
    // tshark: "<None>"
    ['ndpi/tcp_scan.pcapng frame 25 (null scan)', '5000', ''],
    // tshark: "RST, ACK, AE, Reserved": the decoder keeps no reserved bits
    ['zeek/rst-inject-rae.pcap frame 2', '5f14', 'RST, ACK, AE'],
  ])('%s: %s', (_source, bytes, names) => {
    expect(flagNames(flagsOf(bytes))).toBe(names);
  });
});
