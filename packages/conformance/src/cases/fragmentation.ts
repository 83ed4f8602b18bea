// Group 5: fragmentation (RFC 6455 5.4): control frames must not be fragmented; control frames may
// be injected between the fragments of a message; a continuation needs a message to continue, and
// a new message cannot start before the current one is finished. Violations are 1002.
import { frame } from '../runner/frames.js';
import {
  type ConformanceCase,
  chop,
  close,
  echo,
  failWith,
  paced,
  pong,
  send,
  text,
} from './case.js';

const fragmented = [frame.text('fragment1', { fin: false }), frame.continuation('fragment2')];
const withPing = [
  frame.text('fragment1', { fin: false }),
  frame.ping('pongme 2!'),
  frame.continuation('fragment2'),
];
const withPong = [
  frame.text('fragment1', { fin: false }),
  frame.pong('unsolicited'),
  frame.continuation('fragment2'),
];
const orphanFin = [frame.continuation('non-continuation payload'), frame.text('Hello, world!')];
const orphanNonFin = [
  frame.continuation('non-continuation payload', { fin: false }),
  frame.text('Hello, world!'),
];
const fivePieces = (i: number) =>
  i === 0
    ? frame.text('fragment1', { fin: false })
    : frame.continuation(`fragment${i + 1}`, { fin: i === 4 });
const fiveWithPings = Array.from({ length: 5 }, (_, i) => [
  fivePieces(i),
  frame.ping(`pongme ${i + 1}!`),
]).flat();
const fivePongs = Array.from({ length: 5 }, (_, i) => pong(`pongme ${i + 1}!`));
// The message completes with fragment 5, which comes before the fifth ping.
const fiveExpected = echo(
  ...fivePongs.slice(0, 4),
  text('fragment1fragment2fragment3fragment4fragment5'),
  ...fivePongs.slice(4),
);
// Three ways to deliver the same frames: one write, a write per frame 50 ms apart, byte by byte.
const ways = [
  ['in one write', (frames: Buffer[]) => send(Buffer.concat(frames))],
  ['a frame per write, 50 ms apart', (frames: Buffer[]) => paced(frames, 50)],
  ['one byte per write', (frames: Buffer[]) => [chop(frames, 1)]],
] as const;

const threeWays = (
  first: number,
  description: string,
  frames: Buffer[],
  expect: ConformanceCase['expect'],
): ConformanceCase[] =>
  ways.map(([how, deliver], i) => ({
    id: `5.${first + i}`,
    group: 5,
    description: `${description}, ${how}`,
    steps: [...deliver(frames), close(1000)],
    expect,
  }));

export const fragmentationCases: ConformanceCase[] = [
  {
    id: '5.1',
    group: 5,
    description: 'ping in 2 fragments: control frames must not be fragmented',
    steps: [
      ...send(frame.ping('fragment1', { fin: false }), frame.continuation('fragment2')),
      close(1000),
    ],
    expect: failWith([1002]),
  },
  {
    id: '5.2',
    group: 5,
    description: 'pong in 2 fragments: control frames must not be fragmented',
    steps: [
      ...send(frame.pong('fragment1', { fin: false }), frame.continuation('fragment2')),
      close(1000),
    ],
    expect: failWith([1002]),
  },
  ...threeWays(3, 'text in 2 fragments', fragmented, echo(text('fragment1fragment2'))),
  ...threeWays(
    6,
    'text in 2 fragments with a ping between',
    withPing,
    echo(pong('pongme 2!'), text('fragment1fragment2')),
  ),
  ...threeWays(9, 'continuation (fin) without a message, then text', orphanFin, failWith([1002])),
  ...threeWays(
    12,
    'continuation (not fin) without a message, then text',
    orphanNonFin,
    failWith([1002]),
  ),
  {
    id: '5.15',
    group: 5,
    description:
      'text in 2 fragments, then a continuation (not fin) and a text frame: fail after the first',
    steps: [
      ...send(
        frame.text('fragment1', { fin: false }),
        frame.continuation('fragment2'),
        frame.continuation('fragment3', { fin: false }),
        frame.text('fragment4'),
      ),
      close(1000),
    ],
    expect: failWith([1002], text('fragment1fragment2')),
  },
  {
    id: '5.16',
    group: 5,
    description: 'continuation (not fin), text (not fin), continuation (fin): fail',
    steps: [
      ...send(
        frame.continuation('fragment1', { fin: false }),
        frame.text('fragment2', { fin: false }),
        frame.continuation('fragment3'),
      ),
      close(1000),
    ],
    expect: failWith([1002]),
  },
  {
    id: '5.17',
    group: 5,
    description: 'continuation (fin), text (not fin), continuation (fin): fail',
    steps: [
      ...send(
        frame.continuation('fragment1'),
        frame.text('fragment2', { fin: false }),
        frame.continuation('fragment3'),
      ),
      close(1000),
    ],
    expect: failWith([1002]),
  },
  {
    id: '5.18',
    group: 5,
    description: 'text (not fin), then a new text (fin) inside the message: fail',
    steps: [...send(frame.text('fragment1', { fin: false }), frame.text('fragment2')), close(1000)],
    expect: failWith([1002]),
  },
  {
    id: '5.19',
    group: 5,
    description: 'text in 5 fragments, a ping after each, a frame per write 50 ms apart',
    steps: [...paced(fiveWithPings, 50), close(1000)],
    expect: fiveExpected,
  },
  {
    id: '5.20',
    group: 5,
    description: 'text in 5 fragments, a ping after each, one byte per write',
    steps: [chop(fiveWithPings, 1), close(1000)],
    expect: fiveExpected,
  },
  ...threeWays(
    21,
    'text in 2 fragments with an unsolicited pong between',
    withPong,
    echo(text('fragment1fragment2')),
  ),
];
