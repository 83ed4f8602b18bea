import { describe, expect, it } from 'vitest';
import { type FrameHandler, FrameParser } from '../src/index.js';
import { concat, hex, parseAll, rawFrame, recordingParser, utf8 } from './recorder.js';

const server = { role: 'server' } as const;
const client = { role: 'client' } as const;
const noMask = { mask: null } as const;

function errorOf(bytes: Uint8Array, options: Parameters<typeof parseAll>[0] = server) {
  const events = parseAll(options, bytes);
  const last = events.at(-1);
  return last?.kind === 'error' ? { code: last.code, closeCode: last.closeCode } : undefined;
}

describe('FrameParser protocol errors', () => {
  const cases: [string, Uint8Array, string, number][] = [
    ['RSV1 set', rawFrame({ opcode: 1, rsv: 4, payload: utf8('x') }), 'LAPPS_ERR_RSV_SET', 1002],
    ['RSV2 set', rawFrame({ opcode: 2, rsv: 2 }), 'LAPPS_ERR_RSV_SET', 1002],
    ['RSV3 set on a ping', rawFrame({ opcode: 9, rsv: 1 }), 'LAPPS_ERR_RSV_SET', 1002],
    ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map(
      (op) =>
        [`reserved opcode ${op}`, rawFrame({ opcode: op }), 'LAPPS_ERR_RESERVED_OPCODE', 1002] as [
          string,
          Uint8Array,
          string,
          number,
        ],
    ),
    [
      'ping of 126 bytes',
      rawFrame({ opcode: 9, payload: new Uint8Array(126) }),
      'LAPPS_ERR_CONTROL_TOO_LONG',
      1002,
    ],
    [
      'close of 126 bytes',
      rawFrame({ opcode: 8, payload: new Uint8Array(126) }),
      'LAPPS_ERR_CONTROL_TOO_LONG',
      1002,
    ],
    ['fragmented ping', rawFrame({ opcode: 9, fin: false }), 'LAPPS_ERR_CONTROL_FRAGMENTED', 1002],
    [
      '64-bit length with the top bit set',
      rawFrame({ opcode: 2, length: 1n << 63n }),
      'LAPPS_ERR_LENGTH_TOP_BIT',
      1002,
    ],
    [
      'continuation first',
      rawFrame({ opcode: 0, payload: utf8('x') }),
      'LAPPS_ERR_UNEXPECTED_CONTINUATION',
      1002,
    ],
    [
      'text inside a fragmented message',
      concat(
        rawFrame({ opcode: 1, fin: false, payload: utf8('a') }),
        rawFrame({ opcode: 1, payload: utf8('b') }),
      ),
      'LAPPS_ERR_EXPECTED_CONTINUATION',
      1002,
    ],
    [
      'binary inside a fragmented message',
      concat(rawFrame({ opcode: 2, fin: false }), rawFrame({ opcode: 2 })),
      'LAPPS_ERR_EXPECTED_CONTINUATION',
      1002,
    ],
    [
      'close with a 1-byte payload',
      rawFrame({ opcode: 8, payload: hex('03') }),
      'LAPPS_ERR_CLOSE_PAYLOAD_LENGTH',
      1002,
    ],
    ...[0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535].map(
      (code) =>
        [
          `close code ${code}`,
          rawFrame({ opcode: 8, payload: Uint8Array.of(code >> 8, code & 0xff) }),
          'LAPPS_ERR_INVALID_CLOSE_CODE',
          1002,
        ] as [string, Uint8Array, string, number],
    ),
    [
      'close reason that is not UTF-8',
      rawFrame({ opcode: 8, payload: concat(hex('03e8'), hex('ce ba e1 bd b9 cf 83 ed a0 80')) }),
      'LAPPS_ERR_INVALID_UTF8',
      1007,
    ],
    [
      'text that is not UTF-8',
      rawFrame({ opcode: 1, payload: hex('c0 af') }),
      'LAPPS_ERR_INVALID_UTF8',
      1007,
    ],
    [
      'text ending inside a sequence',
      rawFrame({ opcode: 1, payload: hex('41 e2 82') }),
      'LAPPS_ERR_INVALID_UTF8',
      1007,
    ],
    [
      'unmasked frame to a server',
      rawFrame({ opcode: 1, payload: utf8('x'), ...noMask }),
      'LAPPS_ERR_UNMASKED_FRAME',
      1002,
    ],
  ];

  for (const [name, bytes, code, closeCode] of cases) {
    it(`rejects ${name} with ${closeCode}, whole or byte by byte`, () => {
      expect(errorOf(bytes)).toEqual({ code, closeCode });
      expect(parseAll(server, bytes, 1).at(-1)).toEqual({ kind: 'error', code, closeCode });
    });
  }

  it('rejects a masked frame to a client with 1002', () => {
    expect(errorOf(rawFrame({ opcode: 2 }), client)).toEqual({
      code: 'LAPPS_ERR_MASKED_FRAME',
      closeCode: 1002,
    });
  });

  it('accepts every close code the RFC allows', () => {
    for (const code of [
      1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
      4999,
    ]) {
      const events = parseAll(
        server,
        rawFrame({
          opcode: 8,
          payload: concat(Uint8Array.of(code >> 8, code & 0xff), utf8('κόσμε')),
        }),
      );
      expect(events).toEqual([{ kind: 'close', code, reason: 'κόσμε' }]);
    }
  });

  it('reports an empty close as 1005 and ignores what follows a close', () => {
    const bytes = concat(rawFrame({ opcode: 8 }), rawFrame({ opcode: 1, payload: utf8('late') }));
    const { parser, events } = recordingParser(server);
    parser.push(bytes);
    expect(events).toEqual([{ kind: 'close', code: 1005, reason: '' }]);
    expect(parser.finished).toBe(true);
  });

  it('reports only the first error and ignores all later input', () => {
    const { parser, events } = recordingParser(server);
    parser.push(rawFrame({ opcode: 3 }));
    parser.push(rawFrame({ opcode: 1, payload: utf8('after') }));
    expect(events).toHaveLength(1);
    expect(parser.finished).toBe(true);
  });

  it('fails on a bad opcode before the rest of the header arrives', () => {
    const { parser, events } = recordingParser(server);
    parser.push(hex('83 fe')); // reserved opcode, then a 16-bit length that never comes
    expect(events).toEqual([{ kind: 'error', code: 'LAPPS_ERR_RESERVED_OPCODE', closeCode: 1002 }]);
  });
});

describe('FrameParser fail-fast UTF-8 (Autobahn 6.4.x)', () => {
  it('fails in the fragment that holds the invalid byte, before the message ends', () => {
    const { parser, events } = recordingParser(server);
    parser.push(rawFrame({ opcode: 1, fin: false, payload: utf8('κόσμε') }));
    expect(events).toEqual([]);
    parser.push(rawFrame({ opcode: 0, fin: false, payload: hex('f4 90 80 80') })); // above U+10FFFF
    expect(events).toEqual([{ kind: 'error', code: 'LAPPS_ERR_INVALID_UTF8', closeCode: 1007 }]);
  });

  it('fails inside one frame whose payload is still arriving', () => {
    const payload = concat(utf8('κόσμε'), hex('f4 90 80 80'), utf8('edited'));
    const frame = rawFrame({ opcode: 1, payload });
    const { parser, events } = recordingParser(server);
    const header = 6;
    parser.push(frame.subarray(0, header + 11)); // header, "κόσμε" and the 0xf4
    expect(events).toEqual([]);
    parser.push(frame.subarray(header + 11, header + 12)); // 0x90: no valid sequence continues so
    expect(events).toEqual([{ kind: 'error', code: 'LAPPS_ERR_INVALID_UTF8', closeCode: 1007 }]);
  });

  it('accepts a character split across fragments', () => {
    const euro = hex('e2 82 ac');
    const bytes = concat(
      rawFrame({ opcode: 1, fin: false, payload: euro.subarray(0, 1) }),
      rawFrame({ opcode: 0, fin: false, payload: euro.subarray(1, 2) }),
      rawFrame({ opcode: 0, payload: euro.subarray(2) }),
    );
    expect(parseAll(server, bytes)).toEqual([{ kind: 'message', opcode: 1, payload: euro }]);
  });

  it('does not validate binary messages', () => {
    expect(parseAll(server, rawFrame({ opcode: 2, payload: hex('ff fe') }))).toEqual([
      { kind: 'message', opcode: 2, payload: hex('ff fe') },
    ]);
  });
});

describe('FrameParser chunking and control frames', () => {
  const stream = concat(
    rawFrame({ opcode: 1, payload: utf8('first') }),
    rawFrame({ opcode: 2, fin: false, payload: new Uint8Array(300).fill(1) }),
    rawFrame({ opcode: 9, payload: utf8('ping inside') }),
    rawFrame({ opcode: 0, fin: false, payload: new Uint8Array(0) }),
    rawFrame({ opcode: 10 }),
    rawFrame({ opcode: 0, payload: new Uint8Array(70000).fill(2) }),
    rawFrame({ opcode: 1, payload: new Uint8Array(0) }),
    rawFrame({ opcode: 8, payload: concat(hex('03e8'), utf8('done')) }),
  );
  const expected = [
    { kind: 'message', opcode: 1, payload: utf8('first') },
    { kind: 'ping', payload: utf8('ping inside') },
    { kind: 'pong', payload: new Uint8Array(0) },
    {
      kind: 'message',
      opcode: 2,
      payload: concat(new Uint8Array(300).fill(1), new Uint8Array(70000).fill(2)),
    },
    { kind: 'message', opcode: 1, payload: new Uint8Array(0) },
    { kind: 'close', code: 1000, reason: 'done' },
  ];

  for (const step of [1, 2, 3, 7, 13, 125, 4096, stream.length]) {
    // One byte at a time is 70,000 pushes: seconds on a loaded 2-core CI machine.
    it(`gives the same events for pieces of ${step} bytes`, () => {
      expect(parseAll(server, stream, step)).toEqual(expected);
    }, 30_000);
  }

  it('never modifies or keeps the pushed chunk (a shared read buffer may be reused)', () => {
    const received: Uint8Array[] = [];
    const handler: FrameHandler = {
      onMessage: (_, payload) => received.push(payload),
      onPing() {},
      onPong() {},
      onClose() {},
      onError: (e) => {
        throw e;
      },
    };
    const parser = new FrameParser(server, handler);
    const frame = rawFrame({ opcode: 2, payload: new Uint8Array(1000).fill(9) });
    const readBuffer = new Uint8Array(65536);
    readBuffer.set(frame);
    const before = readBuffer.slice();
    parser.push(readBuffer.subarray(0, frame.length));
    expect(readBuffer).toEqual(before);
    readBuffer.fill(0); // the next read overwrites the buffer
    expect(Uint8Array.from(received[0]!)).toEqual(new Uint8Array(1000).fill(9));
    expect(received[0]!.buffer).not.toBe(readBuffer.buffer);
  });
});

describe('FrameParser limits', () => {
  it('rejects a frame announced over maxMessageSize with 1009 before buffering it', () => {
    const { parser, events } = recordingParser({ role: 'server', maxMessageSize: 1024 });
    parser.push(rawFrame({ opcode: 2, length: 1n << 40n }).subarray(0, 14));
    expect(events).toEqual([{ kind: 'error', code: 'LAPPS_ERR_MESSAGE_TOO_BIG', closeCode: 1009 }]);
    expect(parser.bufferedBytes).toBe(0);
  });

  it('counts fragments toward maxMessageSize', () => {
    const bytes = concat(
      rawFrame({ opcode: 2, fin: false, payload: new Uint8Array(600) }),
      rawFrame({ opcode: 0, payload: new Uint8Array(600) }),
    );
    expect(errorOf(bytes, { role: 'server', maxMessageSize: 1000 })).toEqual({
      code: 'LAPPS_ERR_MESSAGE_TOO_BIG',
      closeCode: 1009,
    });
    expect(parseAll({ role: 'server', maxMessageSize: 1200 }, bytes)[0]).toMatchObject({
      kind: 'message',
    });
  });

  it('rejects more than maxFragments frames in one message with 1008', () => {
    const frames = [rawFrame({ opcode: 2, fin: false })];
    for (let i = 0; i < 4; i++) frames.push(rawFrame({ opcode: 0, fin: false }));
    expect(errorOf(concat(...frames), { role: 'server', maxFragments: 4 })).toEqual({
      code: 'LAPPS_ERR_TOO_MANY_FRAGMENTS',
      closeCode: 1008,
    });
  });

  it('buffers only what arrived, not what a large frame announced', () => {
    const { parser } = recordingParser({ role: 'server', maxMessageSize: 16 * 1024 * 1024 });
    const frame = rawFrame({ opcode: 2, payload: new Uint8Array(8 * 1024 * 1024) });
    parser.push(frame.subarray(0, 14 + 1000));
    expect(parser.bufferedBytes).toBeLessThanOrEqual(64 * 1024);
    parser.push(frame.subarray(14 + 1000, 14 + 300000));
    expect(parser.bufferedBytes).toBeLessThanOrEqual(2 * 300000);
  });
});

describe('FrameParser inPlace', () => {
  it('delivers a whole message as an unmasked view of the chunk it came in', () => {
    const payload = new Uint8Array(300).map((_, i) => i);
    const chunk = concat(
      rawFrame({ opcode: 2, payload }),
      rawFrame({ opcode: 1, payload: utf8('tail') }),
    );
    const received: Uint8Array[] = [];
    const parser = new FrameParser(
      { role: 'server', inPlace: true },
      {
        onMessage: (_, p) => received.push(p),
        onPing() {},
        onPong() {},
        onClose() {},
        onError: (e) => {
          throw e;
        },
      },
    );
    parser.push(chunk);
    expect(received[0]!.buffer).toBe(chunk.buffer);
    expect(received[0]!.byteOffset).toBe(8);
    expect(Uint8Array.from(received[0]!)).toEqual(payload);
    expect(Uint8Array.from(received[1]!)).toEqual(utf8('tail'));
  });

  it('gives the same events as the copying mode for any chunking', () => {
    const stream = concat(
      rawFrame({ opcode: 1, payload: utf8('κόσμε '.repeat(30)) }),
      rawFrame({ opcode: 2, fin: false, payload: new Uint8Array(100).fill(1) }),
      rawFrame({ opcode: 9, payload: utf8('ping') }),
      rawFrame({ opcode: 0, payload: new Uint8Array(5000).fill(2) }),
      rawFrame({ opcode: 1, payload: hex('ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80') }),
    );
    for (const step of [1, 5, 64, 1000, stream.length]) {
      const copying = parseAll({ role: 'server' }, stream.slice(), step);
      const inPlace = parseAll({ role: 'server', inPlace: true }, stream.slice(), step);
      expect(inPlace).toEqual(copying);
      expect(copying.at(-1)).toMatchObject({ kind: 'error', closeCode: 1007 });
    }
  });
});
