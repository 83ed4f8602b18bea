// Group 10: a message split by the sender into frames of an arbitrary size (1300 bytes, about one
// TCP segment) must reach the application as the one message it is (RFC 6455 5.4).
import { fragments, Op } from '../runner/frames.js';
import { binary, type ConformanceCase, close, echo, send, text } from './case.js';

const payload = Buffer.alloc(65536, 'abcdefghijklmnopqrstuvwxyz');

export const autoFragmentationCases: ConformanceCase[] = [
  {
    id: '10.1.1',
    group: 10,
    description: '64 KiB text message in 1300-byte frames',
    steps: [...send(...fragments(Op.Text, payload, 1300)), close(1000)],
    expect: echo(text(payload)),
  },
  {
    id: '10.1.2',
    group: 10,
    description: '64 KiB binary message in 1300-byte frames',
    steps: [...send(...fragments(Op.Binary, payload, 1300)), close(1000)],
    expect: echo(binary(payload)),
  },
];
