// Group 1: plain framing (RFC 6455 5.2): every length encoding, written whole and chopped.
import { frame } from '../runner/frames.js';
import { binary, type ConformanceCase, chop, close, echo, send, text } from './case.js';

const LENGTHS = [0, 125, 126, 127, 128, 65535, 65536];

function lengthCases(sub: number, kind: 'text' | 'binary'): ConformanceCase[] {
  const payloadOf = (length: number) =>
    kind === 'text' ? Buffer.alloc(length, '*') : Buffer.alloc(length, 0xfe);
  const encode = kind === 'text' ? frame.text : frame.binary;
  const expected = kind === 'text' ? text : binary;
  const cases: ConformanceCase[] = LENGTHS.map((length, i) => ({
    id: `1.${sub}.${i + 1}`,
    group: 1,
    description: `${kind} message of ${length} bytes (length encoding ${length < 126 ? '7-bit' : length < 65536 ? '16-bit' : '64-bit'})`,
    steps: [...send(encode(payloadOf(length))), close(1000)],
    expect: echo(expected(payloadOf(length))),
  }));
  // Writes of 997 bytes split the header and payload across reads at odd offsets.
  cases.push({
    id: `1.${sub}.8`,
    group: 1,
    description: `${kind} message of 65536 bytes written in chops of 997 bytes`,
    steps: [chop(encode(payloadOf(65536)), 997), close(1000)],
    expect: echo(expected(payloadOf(65536))),
  });
  return cases;
}

export const framingCases: ConformanceCase[] = [
  ...lengthCases(1, 'text'),
  ...lengthCases(2, 'binary'),
];
