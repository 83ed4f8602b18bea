// Group 6: UTF-8 in text messages (RFC 6455 5.6 and 8.1: text payloads are UTF-8 per RFC 3629;
// invalid UTF-8 fails the connection with 1007). The stress items follow the sections of Markus
// Kuhn's UTF-8 decoder test (boundaries, malformed and overlong forms, surrogates); noncharacters
// such as U+FFFE are valid UTF-8 (RFC 3629 encodes every scalar value) and must be echoed.
import { frame } from '../runner/frames.js';
import {
  type ConformanceCase,
  chop,
  close,
  echo,
  failWith,
  paced,
  send,
  sleep,
  text,
} from './case.js';

const hex = (bytes: string) => Buffer.from(bytes.replace(/\s+/g, ''), 'hex');
const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** "κόσμε", Kuhn's sample word. */
const KOSME = hex('cebae1bdb9cf83cebcceb5');

interface Item {
  bytes: Buffer;
  valid: boolean;
}
const valid = (bytes: Buffer): Item => ({ bytes, valid: true });
const invalid = (bytes: Buffer): Item => ({ bytes, valid: false });

/** Kuhn's sections, keyed by the Autobahn subgroup each became (6.5 .. 6.23). */
const STRESS: Array<[number, string, Item[]]> = [
  [5, 'the sample word', [valid(KOSME)]],
  [
    6,
    'the sample word cut after each byte',
    Array.from({ length: KOSME.length }, (_, i) => {
      const prefix = KOSME.subarray(0, i + 1);
      // Complete code points end at bytes 2, 5, 7, 9 and 11 of the word.
      return [2, 5, 7, 9, 11].includes(i + 1) ? valid(prefix) : invalid(prefix);
    }),
  ],
  [
    7,
    'first code point of each length',
    ['00', 'c280', 'e0a080', 'f0908080'].map((h) => valid(hex(h))),
  ],
  [
    8,
    'first 5- and 6-byte sequences (not UTF-8)',
    ['f888808080', 'fc8480808080'].map((h) => invalid(hex(h))),
  ],
  [
    9,
    'last code point of each length',
    ['7f', 'dfbf', 'efbfbf', 'f48fbfbf'].map((h) => valid(hex(h))),
  ],
  [
    10,
    'last 4-, 5- and 6-byte forms (beyond U+10FFFF)',
    ['f7bfbfbf', 'fbbfbfbfbf', 'fdbfbfbfbfbf'].map((h) => invalid(hex(h))),
  ],
  [
    11,
    'other boundaries',
    [
      valid(hex('ed9fbf')), // U+D7FF, just below the surrogates
      valid(hex('ee8080')), // U+E000, just above them
      valid(hex('efbfbd')), // U+FFFD
      valid(hex('f48fbfbf')), // U+10FFFF
      invalid(hex('f4908080')), // U+110000
    ],
  ],
  [
    12,
    'unexpected continuation bytes',
    [
      ...['80', 'bf', '80bf', '80bf80', '80bf80bf', '80bf80bf80', '80bf80bf80bf'].map((h) =>
        invalid(hex(h)),
      ),
      invalid(Buffer.from(Array.from({ length: 64 }, (_, i) => 0x80 + i))),
    ],
  ],
  [
    13,
    'lonely start bytes, each followed by a space',
    [
      [0xc0, 0xdf],
      [0xe0, 0xef],
      [0xf0, 0xf7],
      [0xf8, 0xfb],
      [0xfc, 0xfd],
    ].map(([from, to]) =>
      invalid(
        Buffer.from(Array.from({ length: to! - from! + 1 }, (_, i) => [from! + i, 0x20]).flat()),
      ),
    ),
  ],
  [
    14,
    'sequences missing their last continuation byte',
    [
      'c0',
      'e080',
      'f08080',
      'f8808080',
      'fc80808080',
      'df',
      'efbf',
      'f7bfbf',
      'fbbfbfbf',
      'fdbfbfbfbf',
    ].map((h) => invalid(hex(h))),
  ],
  [
    15,
    'the truncated sequences concatenated',
    [invalid(hex('c0e080f08080f8808080fc80808080dfefbff7bfbffbbfbfbffdbfbfbfbf'))],
  ],
  [16, 'impossible bytes', ['fe', 'ff', 'fefeffff'].map((h) => invalid(hex(h)))],
  [
    17,
    'overlong "/"',
    ['c0af', 'e080af', 'f08080af', 'f8808080af', 'fc80808080af'].map((h) => invalid(hex(h))),
  ],
  [
    18,
    'largest overlong forms',
    ['c1bf', 'e09fbf', 'f08fbfbf', 'f887bfbfbf', 'fc83bfbfbfbf'].map((h) => invalid(hex(h))),
  ],
  [
    19,
    'overlong NUL',
    ['c080', 'e08080', 'f0808080', 'f880808080', 'fc8080808080'].map((h) => invalid(hex(h))),
  ],
  [
    20,
    'single UTF-16 surrogates',
    ['eda080', 'edadbf', 'edae80', 'edafbf', 'edb080', 'edbe80', 'edbfbf'].map((h) =>
      invalid(hex(h)),
    ),
  ],
  [
    21,
    'paired UTF-16 surrogates',
    [
      'eda080edb080',
      'eda080edbfbf',
      'edadbfedb080',
      'edadbfedbfbf',
      'edae80edb080',
      'edae80edbfbf',
      'edafbfedb080',
      'edafbfedbfbf',
    ].map((h) => invalid(hex(h))),
  ],
  [
    22,
    'noncharacters U+FFFE/U+FFFF of every plane (valid UTF-8)',
    Array.from({ length: 17 }, (_, plane) => [
      valid(utf8(String.fromCodePoint(plane * 0x10000 + 0xfffe))),
      valid(utf8(String.fromCodePoint(plane * 0x10000 + 0xffff))),
    ]).flat(),
  ],
  [
    23,
    'U+FFFD and noncharacters U+FDD0..U+FDEF (valid UTF-8)',
    [
      valid(hex('efbfbd')),
      valid(utf8('a\ufffdb')),
      valid(utf8(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => 0xfdd0 + i)))),
    ],
  ],
];

/** Each stress item sent as one frame, and again as one-byte fragments (a frame per byte). */
function stressCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const [sub, section, items] of STRESS) {
    items.forEach((item, i) => {
      const expect = item.valid ? echo(text(item.bytes)) : failWith([1007]);
      const what = `${section}: 0x${item.bytes.toString('hex').slice(0, 40)}${item.valid ? '' : ' (invalid)'}`;
      cases.push({
        id: `6.${sub}.${i + 1}`,
        group: 6,
        description: `${what}, one frame`,
        steps: [...send(frame.text(item.bytes)), close(1000)],
        expect,
      });
      const pieces = [...item.bytes].map((byte, j, all) =>
        j === 0
          ? frame.text(Buffer.from([byte]), { fin: all.length === 1 })
          : frame.continuation(Buffer.from([byte]), { fin: j === all.length - 1 }),
      );
      cases.push({
        id: `6.${sub}.${i + 1}.f`,
        group: 6,
        description: `${what}, a fragment per byte`,
        steps: [...send(Buffer.concat(pieces)), close(1000)],
        expect,
      });
    });
  }
  return cases;
}

const HELLO = utf8('Hello-µ@ßöäüàá-UTF-8!!');
// Invalid: κόσμε, then U+110000 (beyond Unicode), then more text.
const INVALID_TAIL = Buffer.concat([KOSME, hex('f4908080'), utf8('edited')]);

export const utf8Cases: ConformanceCase[] = [
  {
    id: '6.1.1',
    group: 6,
    description: 'empty text message',
    steps: [...send(frame.text('')), close(1000)],
    expect: echo(text('')),
  },
  {
    id: '6.1.2',
    group: 6,
    description: 'empty text message in 3 empty fragments',
    steps: [
      ...send(
        frame.text('', { fin: false }),
        frame.continuation('', { fin: false }),
        frame.continuation(''),
      ),
      close(1000),
    ],
    expect: echo(text('')),
  },
  {
    id: '6.1.3',
    group: 6,
    description: 'text in 3 fragments, the first and last empty',
    steps: [
      ...send(
        frame.text('', { fin: false }),
        frame.continuation('middle frame payload', { fin: false }),
        frame.continuation(''),
      ),
      close(1000),
    ],
    expect: echo(text('middle frame payload')),
  },
  {
    id: '6.2.1',
    group: 6,
    description: 'valid multi-byte text in one frame',
    steps: [...send(frame.text(HELLO)), close(1000)],
    expect: echo(text(HELLO)),
  },
  {
    id: '6.2.2',
    group: 6,
    description: 'valid multi-byte text in 2 fragments split at a code point boundary',
    steps: [
      ...send(
        frame.text(HELLO.subarray(0, 7), { fin: false }),
        frame.continuation(HELLO.subarray(7)),
      ),
      close(1000),
    ],
    expect: echo(text(HELLO)),
  },
  {
    id: '6.2.3',
    group: 6,
    description: 'valid multi-byte text in one frame written one byte at a time',
    steps: [chop(frame.text(HELLO), 1), close(1000)],
    expect: echo(text(HELLO)),
  },
  {
    id: '6.2.4',
    group: 6,
    description: 'valid text with fragments splitting code points (κόσμε, a byte per fragment)',
    steps: [
      ...send(
        ...[...KOSME].map((byte, j) =>
          j === 0
            ? frame.text(Buffer.from([byte]), { fin: false })
            : frame.continuation(Buffer.from([byte]), { fin: j === KOSME.length - 1 }),
        ),
      ),
      close(1000),
    ],
    expect: echo(text(KOSME)),
  },
  {
    id: '6.3.1',
    group: 6,
    description: 'invalid text (U+110000 inside) in one frame',
    steps: [...send(frame.text(INVALID_TAIL)), close(1000)],
    expect: failWith([1007]),
  },
  {
    id: '6.3.2',
    group: 6,
    description: 'invalid text (U+110000 inside), a byte per write',
    steps: [chop(frame.text(INVALID_TAIL), 1), close(1000)],
    expect: failWith([1007]),
  },
  // Fail-fast (8.1): the server should fail as soon as the bytes it holds cannot be valid UTF-8,
  // not when the message completes. The `mark` step is where the remainder would be sent.
  {
    id: '6.4.1',
    group: 6,
    description: 'fail fast: valid fragment, a fragment that is all invalid, wait, the rest',
    steps: [
      ...paced(
        [frame.text(KOSME, { fin: false }), frame.continuation(hex('f4908080'), { fin: false })],
        0,
      ),
      sleep(500),
      { kind: 'mark' },
      ...send(frame.continuation('edited')),
      close(1000),
    ],
    expect: failWith([1007]),
  },
  {
    id: '6.4.2',
    group: 6,
    description:
      'fail fast: valid fragment, a fragment that is partly valid then invalid, wait, the rest',
    steps: [
      ...paced(
        [
          frame.text(KOSME, { fin: false }),
          frame.continuation(hex('cebaf4908080'), { fin: false }),
        ],
        0,
      ),
      sleep(500),
      { kind: 'mark' },
      ...send(frame.continuation('edited')),
      close(1000),
    ],
    expect: failWith([1007]),
  },
  {
    id: '6.4.3',
    group: 6,
    description: 'fail fast inside one frame: valid bytes, the invalid bytes, wait, the rest',
    steps: [
      ...(() => {
        const whole = frame.text(INVALID_TAIL);
        const cut = whole.length - 'edited'.length;
        return [
          ...send(whole.subarray(0, cut)),
          sleep(500),
          { kind: 'mark' } as const,
          ...send(whole.subarray(cut)),
        ];
      })(),
      close(1000),
    ],
    expect: failWith([1007]),
  },
  {
    id: '6.4.4',
    group: 6,
    description:
      'fail fast inside one frame: the first byte of the invalid sequence already decides',
    steps: [
      ...(() => {
        const whole = frame.text(INVALID_TAIL);
        // Cut right after 0xF4 0x90: no valid sequence starts F4 90 (above U+10FFFF).
        const cut = whole.length - 'edited'.length - 2;
        return [
          ...send(whole.subarray(0, cut)),
          sleep(500),
          { kind: 'mark' } as const,
          ...send(whole.subarray(cut)),
        ];
      })(),
      close(1000),
    ],
    expect: failWith([1007]),
  },
  ...stressCases(),
];
