// Hostile captures for `npm run bench:attacks` (issue 13, "memory under attack"): classic
// pcap (little-endian, microseconds, Ethernet / IPv4 / TCP), written directly through one
// reused buffer, deterministic (a seeded PRNG per capture: the same bytes on every run).
//
//   node bench/attacks/generate-attack-captures.mjs [DIR] [--only NAME]
//
// DIR defaults to /tmp/shakewatch-attacks (never the repository). Each capture NAME.pcap
// gets NAME.pcap.json beside it (packets, bytes, connections, what it holds) for the runner.
// Every connection talks to one server, 10.0.0.1:443; clients are 100.64.0.1 + index
// (unique 4-tuples), except the SYN flood's random sources. IPv4 header checksums are
// right; TCP checksums are 0 (as on a host with checksum offload: the decoder checks none).
// The 4 captures take about 10 s and 3.3 GB (out-of-order-gaps alone 2.4 GB).
//
//   syn-flood              2,000,000 SYNs from random addresses and ports, 20 us apart
//   tls-claimed-length     40,000 handshakes, then 15 bytes of TLS each, nothing more: half
//                          a record header claiming 18,432 bytes (the largest record the
//                          decoder accepts), half a whole 10-byte record holding a handshake
//                          header claiming 262,140 bytes (just under its 256 KiB message cap)
//   out-of-order-gaps      200,000 handshakes, then 8 segments of 1,400 bytes each, every one
//                          ahead of a hole (stream slots 1, 3, ..., 15; slot 0, where the
//                          ClientHello would start, and the even slots never come), shuffled,
//                          never acknowledged by the server: reassembly holds 11,200 bytes a
//                          connection (under its 256 KiB per-direction cap)
//   split-hello-abandoned  500,000 handshakes, then the first 15 of the 26 10-byte segments
//                          of a real 253-byte ClientHello record, then nothing; in waves of
//                          50,000 connections open at once, a segment of each in turn, so a
//                          connection cap (10,000) evicts them mid-way
import { closeSync, mkdirSync, openSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

const SERVER_IP = ip(10, 0, 0, 1);
const SERVER_PORT = 443;
const CLIENT_BASE = ip(100, 64, 0, 0);
const START_US = 1_700_000_000 * 1e6;

function ip(a, b, c, d) {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** mulberry32: a small, fast, seeded 32-bit PRNG. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Classic pcap through one 8 MiB buffer; the file takes its name only once complete. */
class PcapWriter {
  constructor(path) {
    this.path = path;
    this.partialPath = `${path}.partial`;
    this.fd = openSync(this.partialPath, 'w');
    this.buf = Buffer.allocUnsafe(8 * 1024 * 1024);
    this.pos = 0;
    this.packets = 0;
    this.ipId = 0;
    const b = this.buf;
    b.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeInt32LE(0, 8);
    b.writeUInt32LE(0, 12);
    b.writeUInt32LE(262144, 16); // snaplen
    b.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
    this.pos = 24;
  }

  /**
   * One Ethernet / IPv4 / TCP frame (no TCP options), `len` payload bytes from `payload`
   * at `off`. `toServer`: the client's frame (MAC addresses follow the direction).
   */
  tcp(tsUs, src, dst, sport, dport, seq, ack, flags, toServer, payload = null, off = 0, len = 0) {
    const frameLen = 54 + len;
    if (this.pos + 16 + frameLen > this.buf.length) this.flush();
    const b = this.buf;
    let p = this.pos;
    const sec = Math.floor(tsUs / 1e6);
    b.writeUInt32LE(sec, p);
    b.writeUInt32LE(tsUs - sec * 1e6, p + 4);
    b.writeUInt32LE(frameLen, p + 8);
    b.writeUInt32LE(frameLen, p + 12);
    p += 16;
    // Ethernet: server 02:00:00:00:00:01, client 02:00:00:00:00:02, type IPv4.
    b.writeUInt32BE(0x02000000, p);
    b.writeUInt32BE(toServer ? 0x00010200 : 0x00020200, p + 4);
    b.writeUInt32BE(toServer ? 0x00000002 : 0x00000001, p + 8);
    b.writeUInt16BE(0x0800, p + 12);
    p += 14;
    // IPv4: 20 bytes, DF, TTL 64, TCP.
    const ipId = (this.ipId = (this.ipId + 1) & 0xffff);
    const totalLen = 40 + len;
    b.writeUInt32BE(0x45000000 | totalLen, p);
    b.writeUInt32BE(((ipId << 16) | 0x4000) >>> 0, p + 4);
    b.writeUInt32BE(0x40060000, p + 8); // checksum filled below
    b.writeUInt32BE(src, p + 12);
    b.writeUInt32BE(dst, p + 16);
    let sum = 0x4500 + totalLen + ipId + 0x4000 + 0x4006 + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    b.writeUInt16BE(~sum & 0xffff, p + 10);
    p += 20;
    // TCP: 20 bytes, window 64240, checksum 0.
    b.writeUInt32BE(((sport << 16) | dport) >>> 0, p);
    b.writeUInt32BE(seq >>> 0, p + 4);
    b.writeUInt32BE(ack >>> 0, p + 8);
    b.writeUInt32BE(((0x50 << 24) | (flags << 16) | 64240) >>> 0, p + 12);
    b.writeUInt32BE(0, p + 16);
    p += 20;
    if (len > 0) {
      b.set(payload.subarray(off, off + len), p);
      p += len;
    }
    this.pos = p;
    this.packets++;
  }

  flush() {
    let done = 0;
    while (done < this.pos) done += writeSync(this.fd, this.buf, done, this.pos - done);
    this.pos = 0;
  }

  close() {
    this.flush();
    closeSync(this.fd);
    renameSync(this.partialPath, this.path);
  }
}

/** A client: its address, port and both ISNs. */
function client(rng, index) {
  return { ip: (CLIENT_BASE + 1 + index) >>> 0, port: 1024 + (rng() % 64512), isnC: rng(), isnS: rng() };
}

/** SYN, SYN-ACK, ACK, 10 us apart from `t`; returns the time after them. */
function handshake(w, c, t) {
  w.tcp(t, c.ip, SERVER_IP, c.port, SERVER_PORT, c.isnC, 0, SYN, true);
  w.tcp(t + 10, SERVER_IP, c.ip, SERVER_PORT, c.port, c.isnS, c.isnC + 1, SYN | ACK, false);
  w.tcp(t + 20, c.ip, SERVER_IP, c.port, SERVER_PORT, c.isnC + 1, c.isnS + 1, ACK, true);
  return t + 30;
}

/** The client's data at stream offset `offset` (0: the first byte after the SYN). */
function clientData(w, c, t, offset, payload, off, len) {
  w.tcp(t, c.ip, SERVER_IP, c.port, SERVER_PORT, c.isnC + 1 + offset, c.isnS + 1, PSH | ACK, true, payload, off, len);
}

// tls-basic.pcap frame 25 (`openssl s_client -tls1_3`, see libs/decoder/src/testing/tls-hellos.ts:
// BASIC_TLS13_CH), in a TLS 1.0 record header: 253 bytes.
const CLIENT_HELLO_RECORD = Buffer.from(
  `160301 00f4
   010000f003036296b48e2d1546a1e30b1b94ef4097159cf0508997f2b30fa26887f285a373f620a9ccacccaf33f03ca3
   09e5be07a12997ce97808cd5e3f5f4cd5a8535dc581145000813021303130100ff0100009f00000014001200000f7368
   616b6577617463682e74657374000b000403000102000a00160014001d0017001e001900180100010101020103010400
   2300000016000000170000000d001e001c040305030603080708080809080a080b080408050806040105010601002b00
   03020304002d00020101003300260024001d0020e3f3c02ac6ee0b0e1d8e081106f531651a598d88a535a5cbba51600f
   6572301f`.replace(/\s+/g, ''),
  'hex',
);
const CLIENT_RANDOM_OFFSET = 5 + 4 + 2;

const attacks = {
  'syn-flood': {
    seed: 0x5f10_0d01,
    describe: '2,000,000 SYNs from random addresses and ports to 10.0.0.1:443, 20 us apart',
    write(w, rng) {
      const n = 2_000_000;
      let t = START_US;
      for (let i = 0; i < n; i++, t += 20) {
        // A random unicast address outside 10/8 (never the server), a random port and ISN.
        const r = rng();
        let first = 1 + ((r >>> 24) % 223);
        if (first === 10 || first === 127) first++;
        const src = ((first << 24) | (r & 0x00ffffff)) >>> 0;
        w.tcp(t, src, SERVER_IP, 1024 + (rng() % 64512), SERVER_PORT, rng(), 0, SYN, true);
      }
      return n;
    },
  },
  'tls-claimed-length': {
    seed: 0x715c_1a1d,
    describe: '40,000 handshakes + 15 TLS bytes each: half a record header claiming 18,432 bytes, half a handshake header claiming 262,140',
    write(w, rng) {
      const n = 40_000;
      // 5-byte record header, 4-byte handshake header (ClientHello, 262,140 = 0x03fffc), 6 body bytes
      // (client_version 3.3 and the first 4 bytes of a random).
      const recordClaims = Buffer.from('160301480001' + '03fffc' + '0303a1b2c3d4', 'hex'); // record: 18,432 bytes
      const handshakeClaims = Buffer.from('160301000a01' + '03fffc' + '0303a1b2c3d4', 'hex'); // record: the 10 bytes here
      let t = START_US;
      for (let i = 0; i < n; i++) {
        const c = client(rng, i);
        t = handshake(w, c, t);
        clientData(w, c, t, 0, i % 2 === 0 ? recordClaims : handshakeClaims, 0, 15);
        t += 20;
      }
      return n;
    },
  },
  'out-of-order-gaps': {
    seed: 0x0000_9a95,
    describe: '200,000 handshakes + 8 segments of 1,400 bytes each, shuffled, every one after a hole never filled (11,200 bytes held a connection)',
    write(w, rng) {
      const n = 200_000;
      const wave = 1_000; // connections open at once (under a 10,000 cap: each is held whole)
      const seg = 1400;
      const slots = 16;
      // The stream: 16 slots, each a 1,400-byte handshake record (5-byte header, 1,395 body
      // bytes); slot 0's body opens a ClientHello spanning all of them. Odd slots are sent.
      const stream = Buffer.alloc(seg * slots);
      for (let s = 0; s < slots; s++) {
        const o = s * seg;
        stream.set([0x16, 0x03, 0x01, (seg - 5) >> 8, (seg - 5) & 0xff], o);
        for (let i = o + 5; i < o + seg; i++) stream[i] = (i * 131) & 0xff;
      }
      const helloLen = slots * (seg - 5) - 4;
      stream.set([0x01, helloLen >> 16, (helloLen >> 8) & 0xff, helloLen & 0xff, 0x03, 0x03], 5);
      const sent = [1, 3, 5, 7, 9, 11, 13, 15];
      const order = new Array(sent.length);
      let t = START_US;
      for (let first = 0; first < n; first += wave) {
        const conns = [];
        const orders = [];
        for (let i = first; i < Math.min(n, first + wave); i++) {
          const c = client(rng, i);
          conns.push(c);
          t = handshake(w, c, t);
          // A Fisher-Yates shuffle of the sent slots, per connection.
          for (let k = 0; k < sent.length; k++) order[k] = sent[k];
          for (let k = order.length - 1; k > 0; k--) {
            const j = rng() % (k + 1);
            const x = order[k];
            order[k] = order[j];
            order[j] = x;
          }
          orders.push(order.slice());
        }
        for (let k = 0; k < sent.length; k++) {
          for (let i = 0; i < conns.length; i++, t += 10) {
            const slot = orders[i][k];
            clientData(w, conns[i], t, slot * seg, stream, slot * seg, seg);
          }
        }
      }
      return n;
    },
  },
  'split-hello-abandoned': {
    seed: 0x0005_9117,
    describe: '500,000 handshakes + the first 15 10-byte segments of a 253-byte ClientHello record, never finished; 50,000 open at once',
    write(w, rng) {
      const n = 500_000;
      const wave = 50_000;
      const seg = 10;
      const segments = 15;
      const hello = Buffer.from(CLIENT_HELLO_RECORD);
      let t = START_US;
      for (let first = 0; first < n; first += wave) {
        const conns = [];
        for (let i = first; i < Math.min(n, first + wave); i++) {
          const c = client(rng, i);
          c.random = rng();
          conns.push(c);
          t = handshake(w, c, t);
        }
        for (let k = 0; k < segments; k++) {
          for (const c of conns) {
            // Each connection's own client random (its first 4 bytes; the segment holding them).
            hello.writeUInt32BE(c.random, CLIENT_RANDOM_OFFSET);
            clientData(w, c, t, k * seg, hello, k * seg, seg);
            t += 10;
          }
        }
      }
      return n;
    },
  },
};

function main() {
  const args = process.argv.slice(2);
  let dir = '/tmp/shakewatch-attacks';
  let only = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--only') only = args[++i];
    else if (args[i] === '-h' || args[i] === '--help') {
      console.log(`usage: node generate-attack-captures.mjs [DIR] [--only ${Object.keys(attacks).join('|')}]`);
      return;
    } else dir = args[i];
  }
  if (only !== null && !(only in attacks)) {
    console.error(`unknown attack ${only}: one of ${Object.keys(attacks).join(', ')}`);
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  for (const [name, a] of Object.entries(attacks)) {
    if (only !== null && name !== only) continue;
    const started = Date.now();
    const file = join(dir, `${name}.pcap`);
    const w = new PcapWriter(file);
    const connections = a.write(w, prng(a.seed));
    w.close();
    const bytes = statSync(file).size;
    const info = { name, file, packets: w.packets, bytes, connections, seed: a.seed, describe: a.describe, generated: new Date().toISOString() };
    writeFileSync(`${file}.json`, JSON.stringify(info, null, 2) + '\n');
    const secs = (Date.now() - started) / 1000;
    console.log(`${name.padEnd(22)} ${w.packets.toLocaleString('en-US').padStart(10)} packets ${(bytes / 1e6).toFixed(1).padStart(8)} MB  ${secs.toFixed(1)} s  ${file}`);
  }
  console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main();
