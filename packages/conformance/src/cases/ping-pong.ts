// Group 2: pings and pongs (RFC 6455 5.5.2, 5.5.3): a ping is answered with a pong carrying the
// same payload; an unsolicited pong is ignored; a control frame over 125 bytes is a protocol error.
import { frame } from '../runner/frames.js';
import { type ConformanceCase, chop, close, echo, failWith, paced, pong, send } from './case.js';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const ping125 = Buffer.alloc(125, 0xfe);

export const pingPongCases: ConformanceCase[] = [
  {
    id: '2.1',
    description: 'ping without payload',
    steps: [...send(frame.ping()), close(1000)],
    expect: echo(pong()),
  },
  {
    id: '2.2',
    description: 'ping with a small text payload',
    steps: [...send(frame.ping('Hello, world!')), close(1000)],
    expect: echo(pong('Hello, world!')),
  },
  {
    id: '2.3',
    description: 'ping with a small binary payload',
    steps: [
      ...send(frame.ping(Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]))),
      close(1000),
    ],
    expect: echo(pong(Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]))),
  },
  {
    id: '2.4',
    description: 'ping with a 125-byte binary payload (the largest allowed)',
    steps: [...send(frame.ping(ping125)), close(1000)],
    expect: echo(pong(ping125)),
  },
  {
    id: '2.5',
    description: 'ping with a 126-byte payload: control frames are limited to 125 (5.5)',
    steps: [...send(frame.ping(Buffer.alloc(126, 0xfe))), close(1000)],
    expect: failWith([1002]),
  },
  {
    id: '2.6',
    description: 'ping with a 125-byte payload written one byte at a time',
    steps: [chop(frame.ping(ping125), 1), close(1000)],
    expect: echo(pong(ping125)),
  },
  {
    id: '2.7',
    description: 'unsolicited pong without payload: ignored',
    steps: [...send(frame.pong()), close(1000)],
    expect: echo(),
  },
  {
    id: '2.8',
    description: 'unsolicited pong with payload: ignored',
    steps: [...send(frame.pong('unsolicited pong payload')), close(1000)],
    expect: echo(),
  },
  {
    id: '2.9',
    description: 'unsolicited pong, then a ping: only the ping is answered',
    steps: [
      ...send(frame.pong('unsolicited pong payload'), frame.ping('ping payload')),
      close(1000),
    ],
    expect: echo(pong('ping payload')),
  },
  {
    id: '2.10',
    description: '10 pings in one write: 10 pongs in order',
    steps: [
      ...send(Buffer.concat(Array.from({ length: 10 }, (_, i) => frame.ping(`payload-${i}`)))),
      close(1000),
    ],
    expect: echo(...Array.from({ length: 10 }, (_, i) => pong(`payload-${i}`))),
  },
  {
    id: '2.11',
    description: '10 pings, 10 ms apart: 10 pongs in order',
    steps: [
      ...paced(
        Array.from({ length: 10 }, (_, i) => frame.ping(`payload-${i}`)),
        10,
      ),
      close(1000),
    ],
    expect: echo(...Array.from({ length: 10 }, (_, i) => pong(`payload-${i}`))),
  },
  {
    id: '2.12',
    description: 'ping with all 256 byte values is too long (126+): fail',
    steps: [...send(frame.ping(allBytes)), close(1000)],
    expect: failWith([1002]),
  },
].map((c) => ({ ...c, group: 2 }));
