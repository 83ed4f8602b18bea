// Group 7: the closing handshake (RFC 6455 5.5.1, 7.1, 7.4). After a close, nothing the client
// sends is answered; a close payload is empty or a 2-byte code plus UTF-8 reason, at most 125 bytes;
// codes must be ones 7.4.1/7.4.2 allow to appear on the wire (1000-1003, 1007-1011, the IANA-
// registered 1012-1014, 3000-4999). A server answers a valid close with the same code (5.5.1:
// "typically echos the status code it received").
import { encodeFrame, frame, Op } from '../runner/frames.js';
import {
  type ConformanceCase,
  close,
  echo,
  echoClosing,
  failWith,
  NO_STATUS,
  send,
  text,
} from './case.js';

const VALID_CODES = [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
];
const INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

export const closeCases: ConformanceCase[] = [
  {
    id: '7.1.1',
    description: 'text message, then close: echo, then close 1000',
    steps: [...send(frame.text('Hello World!')), close(1000)],
    expect: echo(text('Hello World!')),
  },
  {
    id: '7.1.2',
    description: 'two closes: the second is ignored',
    steps: [close(1000), ...send(frame.close(1000))],
    expect: echo(),
  },
  {
    id: '7.1.3',
    description: 'close, then a ping: no pong',
    steps: [close(1000), ...send(frame.ping('Hello World!'))],
    expect: echo(),
  },
  {
    id: '7.1.4',
    description: 'close, then a text message: not echoed',
    steps: [close(1000), ...send(frame.text('Hello World!'))],
    expect: echo(),
  },
  {
    id: '7.1.5',
    description: 'first fragment, close, then the last fragment: nothing echoed',
    steps: [
      ...send(frame.text('fragment1', { fin: false })),
      close(1000),
      ...send(frame.continuation('fragment2')),
    ],
    expect: echo(),
  },
  {
    id: '7.3.1',
    description: 'close without payload: answered with 1000 or an empty close',
    steps: [...send(encodeFrame({ opcode: Op.Close }))],
    expect: echoClosing([1000, NO_STATUS]),
  },
  {
    id: '7.3.2',
    description: 'close with a 1-byte payload: fail',
    steps: [...send(encodeFrame({ opcode: Op.Close, payload: Buffer.from([0x03]) }))],
    expect: failWith([1002]),
  },
  {
    id: '7.3.3',
    description: 'close 1000 without reason',
    steps: [close(1000)],
    expect: echo(),
  },
  {
    id: '7.3.4',
    description: 'close 1000 with a short reason',
    steps: [close(1000, 'Hello World!')],
    expect: echo(),
  },
  {
    id: '7.3.5',
    description: 'close 1000 with a 123-byte reason (a 125-byte payload, the largest allowed)',
    steps: [close(1000, '*'.repeat(123))],
    expect: echo(),
  },
  {
    id: '7.3.6',
    description: 'close 1000 with a 124-byte reason (126-byte control frame): fail',
    steps: [close(1000, '*'.repeat(124))],
    expect: failWith([1002]),
  },
  {
    id: '7.5.1',
    description: 'close 1000 with an invalid UTF-8 reason: fail with 1007',
    steps: [
      close(
        1000,
        Buffer.concat([
          Buffer.from('cebae1bdb9cf83cebcceb5', 'hex'),
          Buffer.from('f4908080', 'hex'),
          Buffer.from('edited'),
        ]),
      ),
    ],
    expect: failWith([1007]),
  },
  ...VALID_CODES.map((code, i) => ({
    id: `7.7.${i + 1}`,
    description: `close with valid code ${code}: answered with ${code}`,
    steps: [close(code)],
    expect: echoClosing([code]),
  })),
  ...INVALID_CODES.map((code, i) => ({
    id: `7.9.${i + 1}`,
    description: `close with invalid code ${code}: fail`,
    steps: [close(code)],
    expect: failWith([1002]),
  })),
].map((c) => ({ ...c, group: 7 }));
