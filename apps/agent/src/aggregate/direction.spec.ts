import { DirectionClassifier, parseIp } from './direction';

const v4 = (s: string) => parseIp(s)!;

describe('parseIp', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['::1', [...new Array(15).fill(0), 1]],
    ['fe80::1%eth0', [0xfe, 0x80, ...new Array(13).fill(0), 1]],
    ['2001:db8::a:b', [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0x0b]],
    ['::ffff:192.0.2.1', [...new Array(10).fill(0), 0xff, 0xff, 192, 0, 2, 1]],
    ['0:0:0:0:0:0:0:1', [...new Array(15).fill(0), 1]],
  ])('%s', (text, bytes) => {
    expect([...parseIp(text)!]).toEqual(bytes);
  });

  it.each(['', '10.0.0', '10.0.0.256', '1.2.3.4.5', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'fffff::1', 'host.example'])('refuses %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('DirectionClassifier', () => {
  const d = new DirectionClassifier(['10.0.0.2', '2001:db8::2', '::1', '127.0.0.1']);

  it('inbound when this host is the server, outbound when it is the client, unknown otherwise', () => {
    expect(d.classify(v4('192.0.2.9'), v4('10.0.0.2'))).toBe('inbound');
    expect(d.classify(v4('10.0.0.2'), v4('192.0.2.9'))).toBe('outbound');
    expect(d.classify(v4('192.0.2.9'), v4('192.0.2.10'))).toBe('unknown');
    expect(d.classify(v4('2001:db8::9'), v4('2001:db8:0:0::2'))).toBe('inbound');
    expect(d.classify(v4('2001:db8::2'), v4('2001:db8::9'))).toBe('outbound');
  });

  it('both ends local (loopback): the host serves it, inbound', () => {
    expect(d.classify(v4('127.0.0.1'), v4('127.0.0.1'))).toBe('inbound');
    expect(d.classify(v4('::1'), v4('::1'))).toBe('inbound');
    expect(d.classify(v4('10.0.0.2'), v4('127.0.0.1'))).toBe('inbound');
  });

  it('knows nothing without addresses (a replay without --local-address), and takes new ones', () => {
    const none = new DirectionClassifier();
    expect(none.classify(v4('10.0.0.1'), v4('10.0.0.2'))).toBe('unknown');
    none.setAddresses(['10.0.0.1', 'garbage']);
    expect(none.size).toBe(1);
    expect(none.classify(v4('10.0.0.1'), v4('10.0.0.2'))).toBe('outbound');
    none.setAddresses([]);
    expect(none.classify(v4('10.0.0.1'), v4('10.0.0.2'))).toBe('unknown');
  });
});
