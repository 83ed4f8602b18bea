import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastProblem,
  decodeServerMessage,
  encodeMessage,
  InboundType,
  lappsServiceProtocol,
  serverMessageProblem,
} from '../src/index.js';
import { decodeCbor } from '../src/cbor.js';

const protocol = lappsServiceProtocol();

/** The refusal's reply decoded, for assertions. */
function replyOf(
  result: ReturnType<typeof protocol.decodeInbound> | ReturnType<typeof protocol.checkInbound>,
): unknown {
  if (result.ok) throw new Error('expected a refusal');
  return result.reply === undefined ? undefined : decodeCbor(result.reply);
}

describe('lappsServiceProtocol: inbound', () => {
  it.each([
    [{ lapps: 1, method: 'ping', cid: 5 }, InboundType.Notification],
    [{ lapps: 1, method: 'ping', cid: 5, params: [1] }, InboundType.NotificationWithParams],
    [{ lapps: 1, method: 'ping' }, InboundType.Request],
    [{ lapps: 1, method: 'ping', params: [] }, InboundType.Request],
    [{ lapps: 1, method: 'ping', params: ['x', { a: 1 }] }, InboundType.RequestWithParams],
  ])('accepts %j as type %i with the message as its value', (message, type) => {
    const result = protocol.decodeInbound(2, encodeMessage(message));
    expect(result).toEqual({ ok: true, type, value: message });
  });

  it('closes a text frame with 1003 and sends nothing', () => {
    const result = protocol.decodeInbound(1, encodeMessage({ lapps: 1, method: 'ping' }));
    expect(result).toMatchObject({ ok: false, close: 1003 });
    expect(replyOf(result)).toBeUndefined();
    expect(result.ok === false && Buffer.byteLength(result.reason)).toBeLessThanOrEqual(123);
  });

  it('answers bytes that are not CBOR with -32700', () => {
    const result = protocol.decodeInbound(2, Uint8Array.of(0xff, 0x00));
    expect(result).toMatchObject({ ok: false });
    expect(result).not.toHaveProperty('close');
    expect(replyOf(result)).toMatchObject({ cid: 0, status: 0, error: { code: -32700 } });
  });

  it.each([
    ['an array', [1, 2], 'message must be a map'],
    ['lapps 2', { lapps: 2, method: 'x' }, 'lapps must be the number 1'],
    ['no method', { lapps: 1 }, 'method'],
    ['a dotted method', { lapps: 1, method: 'a.b' }, '.'],
    ['a reserved method', { lapps: 1, method: '_x' }, '_'],
    ['map params', { lapps: 1, method: 'x', params: { a: 1 } }, 'params must be an array'],
  ])('answers %s with -32600 naming the problem', (_name, message, words) => {
    const reply = replyOf(protocol.decodeInbound(2, encodeMessage(message))) as {
      error: { code: number; message: string };
    };
    expect(reply).toMatchObject({ cid: 0, status: 0, error: { code: -32600 } });
    expect(reply.error.message).toContain(words);
  });

  it('does not answer an invalid client notification (a map with a numeric cid)', () => {
    const result = protocol.decodeInbound(2, encodeMessage({ lapps: 1, method: 'a.b', cid: 5 }));
    expect(result).toMatchObject({ ok: false });
    expect(replyOf(result)).toBeUndefined();
    expect(result.ok === false && result.reason).toContain('.');
  });

  it('applies the limits it was made with (-32600 for a message over the size)', () => {
    const small = lappsServiceProtocol({ maxMessageBytes: 64 });
    const big = encodeMessage({ lapps: 1, method: 'echo', params: ['x'.repeat(100)] });
    expect(replyOf(small.decodeInbound(2, big))).toMatchObject({ error: { code: -32600 } });
    expect(protocol.decodeInbound(2, big).ok).toBe(true);
  });

  it('refuses what the bridge cannot hold with -32600', () => {
    const result = protocol.rejectInbound('unsupported CBOR tag 99');
    expect(replyOf(result)).toEqual({
      cid: 0,
      status: 0,
      error: { code: -32600, message: 'unsupported CBOR tag 99' },
    });
  });
});

describe('lappsServiceProtocol: checkInbound (the envelope only, for the Lua bridge)', () => {
  type Answer =
    | ReturnType<typeof protocol.decodeInbound>
    | ReturnType<typeof protocol.checkInbound>;
  /** What the client sees: the type, or the refusal's close code and reply. */
  function seen(result: Answer): unknown {
    if (result.ok) return { type: result.type };
    const reply = result.reply === undefined ? undefined : decodeCbor(result.reply);
    return { close: result.close, reply };
  }
  const member = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(1, 2, 0, 'echo', 'a.b', '_x', '', [], ['x'], [[]], { a: 1 }, null, 1.5),
    fc.uint8Array({ maxLength: 3 }),
  );
  const messages = fc.oneof(
    fc.record(
      { lapps: member, method: member, params: member, cid: member, other: member },
      { requiredKeys: [] },
    ),
    fc.record(
      { lapps: fc.constant(1), method: fc.constantFrom('echo', 'a.b', '_x', ''), params: member },
      { requiredKeys: ['lapps', 'method'] },
    ),
    member,
  );

  it('gives every message the answer decodeInbound gives', () => {
    fc.assert(
      fc.property(messages, (value) => {
        const bytes = encodeMessage(value);
        expect(seen(protocol.checkInbound(2, bytes))).toEqual(
          seen(protocol.decodeInbound(2, bytes)),
        );
      }),
      { numRuns: 1500 },
    );
  }, 30_000);

  it.each([
    ['a text frame', 1, encodeMessage({ lapps: 1, method: 'ping' }), { close: 1003 }],
    ['bytes that are not CBOR', 2, Uint8Array.of(0xff, 0x00), { code: -32700 }],
    [
      'truncated CBOR',
      2,
      encodeMessage({ lapps: 1, method: 'ping' }).subarray(0, 8),
      { code: -32700 },
    ],
    ['trailing bytes', 2, Uint8Array.of(0xa0, 0x00), { code: -32700 }],
    ['an empty message', 2, new Uint8Array(0), { code: -32700 }],
    [
      'nesting past the limit',
      2,
      Uint8Array.of(...new Array(80).fill(0x81), 0x00),
      { code: -32600 },
    ],
  ])('refuses %s as decodeInbound does', (_name, opcode, bytes, expected) => {
    const checked = protocol.checkInbound(opcode as 1 | 2, bytes);
    const decoded = protocol.decodeInbound(opcode as 1 | 2, bytes);
    for (const result of [checked, decoded]) {
      expect(result.ok).toBe(false);
      if ('close' in expected) expect(result).toMatchObject(expected);
      else expect(replyOf(result)).toMatchObject({ error: expected });
    }
  });

  it('applies the size limit', () => {
    const small = lappsServiceProtocol({ maxMessageBytes: 64 });
    const big = encodeMessage({ lapps: 1, method: 'echo', params: ['x'.repeat(100)] });
    expect(replyOf(small.checkInbound(2, big))).toMatchObject({ error: { code: -32600 } });
    expect(protocol.checkInbound(2, big)).toEqual({
      ok: true,
      type: InboundType.RequestWithParams,
    });
  });
});

describe('lappsServiceProtocol: outbound values (what Lua tables become: Maps)', () => {
  const map = (entries: Record<string, unknown>) => new Map(Object.entries(entries));

  it('encodes a response given as Maps as plain CBOR maps (no tag 259)', () => {
    const bytes = protocol.encodeValue(
      map({ cid: 0, status: 1, result: [map({ a: 1 }), 'x'] }),
      'send',
    );
    // 0xd9 0x01 0x03 would be tag 259 (explicit Map), which other decoders do not know.
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xd9, 0x01, 0x03]);
    expect(decodeServerMessage(bytes)).toEqual({ cid: 0, status: 1, result: [{ a: 1 }, 'x'] });
  });

  it('encodes an error response and an OON for ws:send', () => {
    const error = map({ cid: 0, status: 0, error: map({ code: 10, message: 'no' }) });
    expect(decodeCbor(protocol.encodeValue(error, 'send'))).toEqual({
      cid: 0,
      status: 0,
      error: { code: 10, message: 'no' },
    });
    const oon = map({ cid: 5, status: 1, message: [1] });
    expect(decodeCbor(protocol.encodeValue(oon, 'send'))).toEqual({
      cid: 5,
      status: 1,
      message: [1],
    });
  });

  it.each([
    [map({ cid: 0, status: 1 }), 'ws:send: a response with status 1 needs an array "result"'],
    [map({ cid: 0, status: 0, error: map({ code: 1 }) }), 'error.message must be a string'],
    [map({ cid: 3, status: 0, message: [] }), 'status 0 is only allowed with cid 0'],
    [['not', 'a', 'map'], 'message must be a map, got array'],
  ])('refuses an invalid ws:send value: %j', (value, words) => {
    expect(() => protocol.encodeValue(value, 'send')).toThrow(words);
  });

  it('checks broadcasts with the original bcast:send rules, and refuses channel 0', () => {
    expect(decodeCbor(protocol.encodeValue(map({ cid: 5, message: ['t'] }), 'broadcast'))).toEqual({
      cid: 5,
      message: ['t'],
    });
    expect(() => protocol.encodeValue(map({ cid: 0, message: [] }), 'broadcast')).toThrow(
      'bcast:send: a broadcast needs a channel cid other than 0',
    );
    expect(() => protocol.encodeValue(map({ cid: 5 }), 'broadcast')).toThrow(
      'needs an array "message"',
    );
  });
});

describe('validation of Maps and plain objects alike', () => {
  it('gives the same answer for a Map and the object with the same members', () => {
    const cases: Record<string, unknown>[] = [
      { cid: 0, status: 1, result: [] },
      { cid: 0, status: 0, error: { code: 1, message: 'x' } },
      { cid: 0, status: 0, error: { code: 'x', message: 'x' } },
      { cid: 2, message: 'x' },
      { status: 1 },
    ];
    for (const value of cases) {
      const asMap = new Map(
        Object.entries(value).map(([k, v]) =>
          typeof v === 'object' && v !== null && !Array.isArray(v)
            ? [k, new Map(Object.entries(v))]
            : [k, v],
        ),
      );
      expect(serverMessageProblem(asMap)).toBe(serverMessageProblem(value));
      expect(broadcastProblem(asMap)).toBe(broadcastProblem(value));
    }
  });

  it('rejects a server message that arrives as an explicit Map (tag 259) on the client', () => {
    const tagged = Uint8Array.of(0xd9, 0x01, 0x03, 0xa1, 0x63, 0x63, 0x69, 0x64, 0x00);
    expect(() => decodeServerMessage(tagged)).toThrow('tagged 259');
  });
});
