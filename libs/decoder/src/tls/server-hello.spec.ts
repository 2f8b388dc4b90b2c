import { parseServerHello } from './server-hello';

// ServerHello handshake messages (type, u24 length, body) from the public corpus, frame 6 of each.
const msg = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex')).subarray(4);

/** zeek/tls13draft16-ff52.a01.pcap: Firefox 52 against a draft-16 server (0x7f10). */
const DRAFT16_SH = `
  020000937f108e013ef70bc663d9dc306362b2f7914bf28dfe4bdc7be5bf9820f6965e34cfd11303006d000d00000028
  006500180061047b6fc2dee05cacee615b2803abc86f0204128502c388627fc1e9f940373356c55fabeb31513a6c96ce
  b6dead60e55375503f64e429f07b48ee0ed5680417c9515537c23246e925cdb1d62db3671a9bef64d8335a2d06c9e57d
  1cb448ef9c4e02`;

/** zeek/tls13draft16-chrome55.0.2879.0-canary.pcap: draft 14 (0x7f0e), a TLS 1.2 suite. */
const DRAFT14_SH = `
  0200004e7f0e69227472e1cf935045d8d2044a450625a053f795ba8328905628727a06778e8ecca90028002800240
  01d00204f13c5d0745e883bc27f7d2195de1f45a1aea163641d85c9aac224992c73bb11`;

/** suricata-verify/tls13_draft14.pcap: a draft-era server that put 0x0304 in the version field. */
const V0304_DRAFT_SH = `
  0200006f03042393b6518b8dd3d7ae957155977935932a6f5e600e5b7d9774daa7bc2f2cbcc3c02b00490028004500
  170041042dd0952da464b93202b067c846029914097c1887d6d068d353f8bea91988051990f726f1f2739d87d6f7e6
  3b2bd045d19d6940e75fe8ae06fd04b350c5bf1565`;

/** zeek/chrome-63.0.3211.0-canary-tls_experiment.pcap: Google's experiment 0x7e01 (final layout, key_share 40). */
const EXPERIMENT_SH = `
  020000760303aa2bdc54223aecc6635dfded15b9e28ed9a1ec10bd46c520d70578072267acd720a7daf7cfff7c237c0e
  99c62a6fb8abf3c4adc0ef2908f9ac2cfeab68561fd977130100002e00280024001d0020267dc265999ebe79be0400a0
  885ceb72b23507d81fe0aaabce903a2abcc5717f002b00027e01`;

describe('parseServerHello', () => {
  it('reads the TLS 1.3 draft layout without session_id and compression (drafts before 22)', () => {
    const sh = parseServerHello(msg(DRAFT16_SH));
    expect(sh).toMatchObject({ version: 0x7f10, cipherSuite: 0x1303, compressionMethod: 0, keyShareGroup: 24 });
    expect(sh?.sessionId.length).toBe(0);
    expect(sh?.extensions.map((e) => e.type)).toEqual([13, 40]);
    expect(parseServerHello(msg(DRAFT14_SH))).toMatchObject({ version: 0x7f0e, cipherSuite: 0xcca9, keyShareGroup: 29 });
  });

  it('takes 0x0304 in the version field as the draft layout when that accounts for every byte', () => {
    // tshark 4.0 reads it with the final layout: session id length 0xc0, cipher 0xacad.
    const sh = parseServerHello(msg(V0304_DRAFT_SH));
    expect(sh).toMatchObject({ version: 0x0304, cipherSuite: 0xc02b, keyShareGroup: 23 });
    expect(sh?.extensions.map((e) => e.type)).toEqual([40]);
  });

  it("reads the drafts' key_share code point 40 (Google's 0x7e01 experiment)", () => {
    const sh = parseServerHello(msg(EXPERIMENT_SH));
    expect(sh).toMatchObject({ version: 0x0303, selectedVersion: 0x7e01, cipherSuite: 0x1301, keyShareGroup: 29, pskSelected: false });
    expect(sh?.sessionId.length).toBe(32);
  });

  it('rejects a message shorter than its fixed fields (mercury/afl-corner-cases.pcap frame 3: length 0)', () => {
    expect(parseServerHello(new Uint8Array(0))).toBeNull();
  });
});
