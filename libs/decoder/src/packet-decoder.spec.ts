import { formatIp } from './address';
import { PacketDecoder } from './packet-decoder';
import { rawFrame } from './capture/raw-packet';
import { LinkType } from './link/link-types';
import { fixture, readCapture } from './testing/fixtures';
import { TcpFlag } from './transport/tcp-flags';

// Real frames from the project's recorded captures (test/fixtures/captures/MANIFEST.md).
const ethFrames = readCapture(fixture('tcp-normal-close.pcap')).packets;
const synFrame = ethFrames[0].data; // client SYN, 10.77.0.1 -> 10.77.0.2:8080
const ipPacket = synFrame.subarray(14);

function decode(linkType: number, data: Uint8Array) {
  const d = new PacketDecoder();
  const p = d.decode(rawFrame(data, { linkType }));
  return { p, d };
}

function tuple(linkType: number, data: Uint8Array): string {
  const { p, d } = decode(linkType, data);
  if (p === null) return `skip:${Object.entries(d.skipped).find(([, n]) => n > 0)?.[0]}`;
  return `${formatIp(p.data, p.srcOffset, p.ipVersion)}:${p.srcPort}>${formatIp(p.data, p.dstOffset, p.ipVersion)}:${p.dstPort}`;
}

const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const eth = (type: number) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, type >> 8, type & 0xff];
const udp = (dport: number) => [0x30, 0x39, dport >> 8, dport & 0xff, 0, 0, 0, 0];
const outerIpv4 = (proto: number, payloadLen: number) => {
  const len = 20 + payloadLen;
  return [0x45, 0, len >> 8, len & 0xff, 0, 0, 0x40, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2];
};
// Client ports are ephemeral: take the expected tuple from the plain Ethernet decode.
const EXPECTED = tuple(LinkType.ETHERNET, synFrame);

it('the reference frame is the recorded client SYN', () => {
  expect(EXPECTED).toMatch(/^10\.77\.0\.1:\d+>10\.77\.0\.2:8080$/);
});

describe('PacketDecoder: link layers and encapsulations around a real TCP/IPv4 packet', () => {
  it.each<[string, number, Uint8Array]>([
    ['Ethernet', LinkType.ETHERNET, synFrame],
    ['raw IP (101)', LinkType.RAW, ipPacket],
    ['raw IPv4 (228)', LinkType.IPV4, ipPacket],
    ['BSD loopback, little-endian AF', LinkType.NULL, cat([2, 0, 0, 0], ipPacket)],
    ['BSD loopback, big-endian AF', LinkType.NULL, cat([0, 0, 0, 2], ipPacket)],
    ['OpenBSD loop (network order)', LinkType.LOOP, cat([0, 0, 0, 2], ipPacket)],
    ['Linux SLL', LinkType.LINUX_SLL, cat([0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, 0x08, 0x00], ipPacket)],
    ['802.1Q', LinkType.ETHERNET, cat(eth(0x8100), [0, 42, 0x08, 0x00], ipPacket)],
    ['QinQ (802.1ad + 802.1Q)', LinkType.ETHERNET, cat(eth(0x88a8), [0, 100, 0x81, 0x00], [0, 42, 0x08, 0x00], ipPacket)],
    ['802.3 LLC/SNAP', LinkType.ETHERNET, cat(eth(ipPacket.length + 8).slice(0, 12), [(ipPacket.length + 8) >> 8, (ipPacket.length + 8) & 0xff], [0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0x00], ipPacket)],
    ['MPLS (two labels)', LinkType.ETHERNET, cat(eth(0x8847), [0, 0x01, 0x00, 64], [0, 0x02, 0x01, 64], ipPacket)],
    ['PPPoE session', LinkType.ETHERNET, cat(eth(0x8864), [0x11, 0, 0, 1, 0, ipPacket.length + 2], [0x00, 0x21], ipPacket)],
    ['PPP link', LinkType.PPP, cat([0xff, 0x03, 0x00, 0x21], ipPacket)],
    ['Cisco HDLC', LinkType.C_HDLC, cat([0x0f, 0x00, 0x08, 0x00], ipPacket)],
    ['IP-in-IP', LinkType.ETHERNET, cat(eth(0x0800), outerIpv4(4, ipPacket.length), ipPacket)],
    ['GRE', LinkType.ETHERNET, cat(eth(0x0800), outerIpv4(47, 4 + ipPacket.length), [0, 0, 0x08, 0x00], ipPacket)],
    ['GRE with key and sequence', LinkType.ETHERNET, cat(eth(0x0800), outerIpv4(47, 12 + ipPacket.length), [0x30, 0, 0x08, 0x00, 0, 0, 0, 1, 0, 0, 0, 9], ipPacket)],
    ['GRE transparent Ethernet', LinkType.ETHERNET, cat(eth(0x0800), outerIpv4(47, 4 + synFrame.length), [0, 0, 0x65, 0x58], synFrame)],
    ['VXLAN', LinkType.ETHERNET, cat(eth(0x0800), outerIpv4(17, 16 + synFrame.length), udp(4789), [0x08, 0, 0, 0, 0, 0, 1, 0], synFrame)],
    ['Geneve', LinkType.ETHERNET, cat(eth(0x0800), outerIpv4(17, 16 + synFrame.length), udp(6081), [0, 0, 0x65, 0x58, 0, 0, 1, 0], synFrame)],
    ['GTP-U', LinkType.ETHERNET, cat(eth(0x0800), outerIpv4(17, 16 + ipPacket.length), udp(2152), [0x30, 0xff, 0, ipPacket.length, 0, 0, 0, 1], ipPacket)],
    ['NFLOG', LinkType.NFLOG, cat([2, 0, 0, 0], [8, 0, 1, 0, 0, 0, 0, 0], [ipPacket.length + 4, 0, 9, 0], ipPacket)],
  ])('%s', (_name, linkType, data) => {
    expect(tuple(linkType, data)).toBe(EXPECTED);
  });

  it('decodes the real SLL2 capture (tcpdump -i any) and the real VLAN capture', () => {
    const sll2 = readCapture(fixture('tcp-any-sll2.pcap')).packets;
    expect(sll2[0].linkType).toBe(LinkType.LINUX_SLL2);
    expect(tuple(sll2[0].linkType, sll2[0].data)).toMatch(/^10\.77\.0\.1:\d+>10\.77\.0\.2:8080$/);
    const vlan = readCapture(fixture('tcp-vlan.pcap')).packets;
    expect(vlan[0].data[12]).toBe(0x81);
    expect(tuple(1, vlan[0].data)).toMatch(/^10\.78\.0\.1:\d+>10\.78\.0\.2:8080$/);
  });

  it('decodes real IPv6 frames', () => {
    const v6 = readCapture(fixture('tcp-ipv6.pcap')).packets;
    expect(tuple(1, v6[0].data)).toMatch(/^fd77::1:\d+>fd77::2:8080$/);
  });

  it('reads the TCP header fields and options of the real SYN', () => {
    const { p } = decode(1, synFrame);
    expect(p).not.toBeNull();
    expect(p!.flags).toBe(TcpFlag.SYN);
    expect(p!.payloadLength).toBe(0);
    expect(p!.options).toMatchObject({ mss: 1460, sackPermitted: true, hasTimestamp: true, malformed: false });
    // Linux writes: MSS, SACK-permitted, timestamps, NOP, window scale (kind 3, len 3) last.
    const opts = Buffer.from(synFrame.subarray(14 + 20 + 20, 14 + 20 + 40));
    expect(opts[opts.length - 3]).toBe(3);
    expect(p!.options.windowScale).toBe(opts[opts.length - 1]);
  });

  it('bounds the payload by the IP length, not Ethernet padding', () => {
    const padded = cat(synFrame, new Uint8Array(20));
    const { p } = decode(1, padded);
    expect(p!.payloadLength).toBe(0);
    expect(p!.payloadCaptured).toBe(0);
  });

  it('counts, not decodes: fragments, non-TCP, unknown links, truncation, caps', () => {
    const frag = synFrame.slice();
    frag[14 + 6] = 0x20; // MF flag
    expect(tuple(1, frag)).toBe('skip:ip_fragment');
    const udpPacket = synFrame.slice();
    udpPacket[14 + 9] = 17;
    expect(tuple(1, udpPacket)).toBe('skip:not_tcp');
    expect(tuple(1, cat(eth(0x0806), new Uint8Array(28)))).toBe('skip:not_ip');
    expect(tuple(9999, synFrame)).toBe('skip:unsupported_link');
    // A cut before the end of the fixed TCP header is 'truncated'; a cut inside the
    // options (snaplen) still gives the segment, as tshark decodes it, options unknown.
    const fixedTcpEnd = 14 + 20 + 20;
    for (let cut = 0; cut < synFrame.length; cut++) {
      if (cut < fixedTcpEnd) expect(tuple(1, synFrame.subarray(0, cut))).toBe('skip:truncated');
      else expect(decode(1, synFrame.subarray(0, cut)).p?.options.truncated).toBe(true);
    }
    expect(decode(1, synFrame).p?.options.truncated).toBe(false);
    const badIhl = synFrame.slice();
    badIhl[14] = 0x43;
    expect(tuple(1, badIhl)).toBe('skip:bad_header');
    const manyTags = cat(eth(0x8100), ...Array.from({ length: 20 }, () => [0, 1, 0x81, 0x00]), [0, 1, 0x08, 0x00], ipPacket);
    expect(tuple(1, manyTags)).toBe('skip:ext_header_cap');
  });

  it('decodes a SYN whose options the snaplen cut (zeek/zeek testing/btest/Traces/tcp/truncated-header.pcap, frame 1)', () => {
    // snaplen 68: Ethernet + IPv4 + 34 of the 40 TCP header bytes (MSS, SACK-permitted, then cut).
    const frame = Buffer.from(
      'eaf61c2d9fd2800b983bb9ec08004500003c38e0400033060ce2c9ba9d438003' +
        '1af9ed9b00193e1775de00000000a0c216d090d60000020405b4040208080000' +
        '00010000',
      'hex',
    );
    expect(frame.length).toBe(68);
    expect(tuple(1, frame)).toBe('201.186.157.67:60827>128.3.26.249:25');
    const { p } = decode(1, frame);
    expect(p!.flags).toBe(TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR);
    expect(p!.seq).toBe(0x3e1775de);
    expect(p!.tcpHeaderLength).toBe(40);
    expect(p!.options).toMatchObject({ mss: 1460, sackPermitted: true, truncated: true });
    expect(p!.payloadLength).toBe(0);
    expect(p!.payloadCaptured).toBe(0);
    expect(p!.payloadOffset).toBeLessThanOrEqual(frame.length);
  });

  it('follows VXLAN sent from port 4789 (FoxIO-LLC/ja4 pcap/gre-erspan-vxlan.pcap, frame 1)', () => {
    // GRE -> ERSPAN II -> Ethernet -> IPv4 -> UDP 4789 -> 4790 -> VXLAN -> Ethernet -> IPv4 -> TCP SYN.
    // Wireshark tries the lower UDP port first, so this is VXLAN (4790 would be VXLAN-GPE).
    const frame = Buffer.from(
      'bbbbbbbbbbb1aaaaaaaaaaa108004500008c00010000402fa017641409026414' +
        '0901100088be000000001000001400000001ffddfffffff1eeeeeeeeeee10800' +
        '4500005a000100004011eb75ac101b83ac101b7912b512b60046a3b70c000003' +
        '00000000ddddddddddd1aabbccddccc108004500002800010000400630210a10' +
        '1b0c0a101b83fe960050000000000000000050022000464d0000',
      'hex',
    );
    expect(frame.length).toBe(154);
    expect(tuple(1, frame)).toBe('10.16.27.12:65174>10.16.27.131:80');
  });

  it('follows an IPv6 extension chain and caps it', () => {
    const v6 = readCapture(fixture('tcp-ipv6.pcap')).packets[0].data;
    const ip6 = v6.subarray(14);
    const withExt = (n: number) => {
      const hdr = ip6.slice(0, 40);
      const exts: number[] = [];
      for (let i = 0; i < n; i++) exts.push(i === n - 1 ? 6 : 60, 0, 1, 4, 0, 0, 0, 0);
      hdr[6] = n > 0 ? 60 : 6;
      const payload = ip6.length - 40 + exts.length;
      hdr[4] = payload >> 8;
      hdr[5] = payload & 0xff;
      return cat(eth(0x86dd), hdr, exts, ip6.subarray(40));
    };
    expect(tuple(1, withExt(2))).toMatch(/^fd77::1:\d+>fd77::2:8080$/);
    expect(tuple(1, withExt(12))).toBe('skip:ext_header_cap');
  });
});
