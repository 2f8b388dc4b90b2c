import { newDecodedPacket, type TcpOptions } from '../decoded-packet';
import { decodeTcpOptions } from './tcp-options';

function decode(bytes: number[], captured = bytes.length, at = 3): TcpOptions {
  const b = new Uint8Array(at + bytes.length);
  b.set(bytes, at); // not at offset 0: options sit inside a frame
  const o = newDecodedPacket().options;
  decodeTcpOptions(b, at, at + bytes.length, o, at + captured);
  return { ...o };
}

const TS = [8, 10, 0x80, 0, 0, 1, 0, 0, 0, 2]; // tsVal 0x80000001, tsEcr 2
const clean = { mss: -1, windowScale: -1, sackPermitted: false, sackBlocks: 0, hasTimestamp: false, tsVal: 0, tsEcr: 0, malformed: false, truncated: false };

describe('decodeTcpOptions', () => {
  it.each([
    ['NOP NOP timestamps (the usual block)', [1, 1, ...TS], { hasTimestamp: true, tsVal: 0x80000001, tsEcr: 2 }],
    ['timestamps NOP NOP (the same, other order)', [...TS, 1, 1], { hasTimestamp: true, tsVal: 0x80000001, tsEcr: 2 }],
    ['a SYN: MSS, SACK-permitted, timestamps, NOP, window scale', [2, 4, 5, 0xb4, 4, 2, ...TS, 1, 3, 3, 7], { mss: 1460, sackPermitted: true, hasTimestamp: true, tsVal: 0x80000001, tsEcr: 2, windowScale: 7 }],
    ['NOP NOP SACK with two blocks', [1, 1, 5, 18, ...new Array<number>(16).fill(0)], { sackBlocks: 2 }],
    ['a timestamps option of the wrong length', [1, 1, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0], { malformed: true }],
    ['an option running past the header', [1, 1, 8, 10, 0, 0], { malformed: true }],
  ])('%s', (_name, bytes, expected) => {
    expect(decode(bytes)).toEqual({ ...clean, ...expected });
  });

  it('leaves options past a snaplen cut unknown, even in the usual block', () => {
    expect(decode([1, 1, ...TS], 6)).toEqual({ ...clean, truncated: true });
  });
});
