// Group 3: RSV1..RSV3 (RFC 6455 5.2: "MUST be 0 unless an extension is negotiated that defines
// meanings for non-zero values"; none is negotiated here, so each is a protocol error, 1002).
// Frames after the bad one (a ping) must not be answered, and the bad frame must not be echoed.
import { frame } from '../runner/frames.js';
import { type ConformanceCase, chop, close, failWith, paced, send, text } from './case.js';

export const reservedBitsCases: ConformanceCase[] = [
  {
    id: '3.1',
    description: 'text with rsv = 1 (RSV3)',
    steps: [...send(frame.text('Hello, world!', { rsv: 1 })), close(1000)],
    expect: failWith([1002]),
  },
  {
    id: '3.2',
    description: 'valid text, then text with rsv = 2, then a ping',
    steps: [
      ...send(frame.text('Hello, world!'), frame.text('Hello, world!', { rsv: 2 }), frame.ping()),
      close(1000),
    ],
    expect: failWith([1002], text('Hello, world!')),
  },
  {
    id: '3.3',
    description: 'valid text, then text with rsv = 3, then a ping, frame by frame',
    steps: [
      ...paced(
        [frame.text('Hello, world!'), frame.text('Hello, world!', { rsv: 3 }), frame.ping()],
        50,
      ),
      close(1000),
    ],
    expect: failWith([1002], text('Hello, world!')),
  },
  {
    id: '3.4',
    description: 'valid text, then text with rsv = 4, then a ping, one byte at a time',
    steps: [
      chop([frame.text('Hello, world!'), frame.text('Hello, world!', { rsv: 4 }), frame.ping()], 1),
      close(1000),
    ],
    expect: failWith([1002], text('Hello, world!')),
  },
  {
    id: '3.5',
    description: 'binary with rsv = 5',
    steps: [...send(frame.binary(Buffer.from([0, 1, 2, 0xff]), { rsv: 5 })), close(1000)],
    expect: failWith([1002]),
  },
  {
    id: '3.6',
    description: 'ping with rsv = 6',
    steps: [...send(frame.ping('Hello, world!', { rsv: 6 })), close(1000)],
    expect: failWith([1002]),
  },
  {
    id: '3.7',
    description: 'close with rsv = 7',
    steps: [...send(frame.close(1000, '', { rsv: 7 })), close(1000)],
    expect: failWith([1002]),
  },
].map((c) => ({ ...c, group: 3 }));
