import { ja3, ja3s } from './ja3';
import * as H from '../../testing/tls-hellos';

// Every expected value is tshark 4.0.17's tls.handshake.ja3_full / ja3 (ClientHello) or
// ja3s_full / ja3s (ServerHello) for the fixture's capture and frame (see testing/tls-hellos.ts);
// for the public corpus they are also in <capture>.tshark.tsv.

describe('JA3 (as Wireshark 4.0)', () => {
  it.each([
    ['tls-basic.pcap frame 4 (openssl, TLS 1.2)', H.BASIC_TLS12_CH,
      '771,49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-35-22-23-13,29-23-30-25-24,0-1-2',
      '871a754af286dfb70c1b53c6887c62e0'],
    ['tls-basic.pcap frame 25 (openssl, TLS 1.3: the legacy version)', H.BASIC_TLS13_CH,
      '771,4866-4867-4865-255,0-11-10-35-22-23-13-43-45-51,29-23-30-25-24-256-257-258-259-260,0-1-2',
      'f146948b4a599d4d7ddf071b74696983'],
    ['ja4/tls-handshake.pcapng frame 125 (Chrome: GREASE dropped, also the last extension)', H.CHROME_GREASE_CH,
      '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,5-27-51-45-17513-10-13-18-65281-11-35-43-0-23-16,29-23-24,0',
      '989457eb4c148cbbe80b7799ac9aef59'],
    ['ja4/https3-301-get.pcap frame 4 (TLS 1.0, no groups, no point formats)', H.SNI_ONLY_TLS10_CH,
      '769,57-56-53-22-19-10-51-50-47-154-153-150-5-4-21-18-9-20-17-8-6-3-255,0,,',
      '06a92bf69b367389d2feb0d70501ddfe'],
    ['ja4/quic-tls-handshake.pcapng frame 1 (QUIC, no point formats)', H.QUIC_CH,
      '771,4865-4866-4867,45-27-17513-13-43-0-10-57-16-51,29-23-24,',
      '0cda1bd7f270e894ed5de2af2f06cb80'],
    ['synthetic: 0x0a1a is not GREASE; lists ending in GREASE get no trailing dash', H.SYNTH_GREASE_EDGES_CH,
      '771,2586-4865-4866,2586-10-11,29-2586-23,0-1',
      '15172e0dbde6d0e7cd7dd012aef00c5b'],
    ['synthetic: an empty extension list', H.SYNTH_NO_EXTENSIONS_CH,
      '771,4865-47,,,',
      '2e932223063018bb57119f306dc45a6e'],
    ['synthetic: supported_groups twice adds a field', H.SYNTH_TWO_GROUPS_CH,
      '771,4865,11-10-10,29,23,0',
      'ac6f6cbc50030c173fb8c344b81a0601'],
    ['synthetic: ec_point_formats twice adds a field', H.SYNTH_TWO_POINT_FORMATS_CH,
      '771,4865,11-11,,0,1',
      '82a710b481c06ea4d7e6f9ad4988b8a3'],
  ])('%s', (_source, hex, raw, hash) => {
    expect(ja3(H.clientHello(hex))).toEqual({ raw, hash });
  });

  it('gives none where tshark gives none', () => {
    // zeek/ssl.v3.pcap frame 4: tshark 4.0.17 shows no tls.handshake.ja3 for an SSLv2-format hello.
    expect(ja3(H.sslv2ClientHello(H.SSLV2_CH))).toBeUndefined();
    // Synthetic: tshark 4.0.17 reports "Malformed Packet (Exception occurred)" and no JA3.
    expect(ja3(H.clientHello(H.SYNTH_POINT_FORMATS_OVERRUN_CH))).toBeUndefined();
  });

});

describe('JA3S (as Wireshark 4.0)', () => {
  it.each([
    ['tls-basic.pcap frame 6 (TLS 1.2)', H.BASIC_TLS12_SH, '771,49200,65281-11-35-23', 'ec74a5c51106f0419184d0dd08fb05bc'],
    ['tls-basic.pcap frame 27 (TLS 1.3: the legacy version)', H.BASIC_TLS13_SH, '771,4866,43-51', '15af977ce25de452b96affa2addb1036'],
    ['synthetic: GREASE 0x1a1a dropped, 0x0a1a kept', H.SYNTH_GREASE_SH, '771,4865,43-2586', 'dc0f00b596c48f18b9ea15434540dcb3'],
  ])('%s', (_source, hex, raw, hash) => {
    expect(ja3s(H.serverHello(hex))).toEqual({ raw, hash });
  });
});
