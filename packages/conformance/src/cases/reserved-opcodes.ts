// Group 4: reserved opcodes (RFC 6455 5.2: 0x3-0x7 "reserved for further non-control frames",
// 0xB-0xF "reserved for further control frames"; 5.2 says to fail on an unknown opcode, 1002).
import { encodeFrame, frame } from '../runner/frames.js';
import { type ConformanceCase, close, failWith, send, text } from './case.js';

function opcodeCases(sub: number, opcodes: number[]): ConformanceCase[] {
  const alone = opcodes.map((opcode, i) => ({
    id: `4.${sub}.${i + 1}`,
    group: 4,
    description: `reserved opcode ${opcode}${i % 2 === 1 ? ' with a payload' : ''}`,
    steps: [
      ...send(encodeFrame({ opcode, payload: i % 2 === 1 ? 'reserved payload' : '' })),
      close(1000),
    ],
    expect: failWith([1002]),
  }));
  const afterValid = opcodes.map((opcode, i) => ({
    id: `4.${sub}.${opcodes.length + i + 1}`,
    group: 4,
    description: `valid text, then reserved opcode ${opcode}, then a ping`,
    steps: [
      ...send(
        frame.text('Hello, world!'),
        encodeFrame({ opcode, payload: 'reserved payload' }),
        frame.ping('must not be answered'),
      ),
      close(1000),
    ],
    expect: failWith([1002], text('Hello, world!')),
  }));
  return [...alone, ...afterValid];
}

export const reservedOpcodeCases: ConformanceCase[] = [
  ...opcodeCases(1, [3, 4, 5, 6, 7]),
  ...opcodeCases(2, [11, 12, 13, 14, 15]),
];
