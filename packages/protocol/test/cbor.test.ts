import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_DEPTH,
  decodeInbound,
  decodeServerMessage,
  encodeMessage,
  type OutOfOrderMessage,
  ProtocolError,
} from '../src/index.js';
import { decodeCbor } from '../src/cbor.js';

function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function errorOf(work: () => unknown): ProtocolError {
  try {
    work();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

describe('CBOR round trips', () => {
  const values: [string, unknown][] = [
    ['request', { lapps: 1, method: 'echo', params: [1, -2, 3.5, 'é', true, false, null] }],
    ['CN', { lapps: 1, method: 'sub', cid: 5 }],
    ['success', { cid: 0, status: 1, result: [{ nested: { deep: [1, [2, [3]]] } }] }],
    ['error', { cid: 0, status: 0, error: { code: -32000, message: 'boom', data: 'x' } }],
    ['OON', { cid: 7, message: ['tick', 1_700_000_000_000] }],
    ['large integers and floats', { cid: 1, message: [2 ** 40, -(2 ** 40), 0.1, 1e300] }],
    ['empty containers', { cid: 1, message: [[], {}] }],
  ];
  it.each(values)('%s', (_name, value) => {
    expect(decodeCbor(encodeMessage(value))).toEqual(value);
  });

  it('byte strings stay bytes, untagged', () => {
    const bytes = Uint8Array.of(0, 1, 255);
    const encoded = encodeMessage({ cid: 1, message: [bytes] });
    const decoded = decodeServerMessage(encoded) as OutOfOrderMessage;
    expect(new Uint8Array(decoded.message[0] as Uint8Array)).toEqual(bytes);
    // 0x43 = byte string of length 3, with no tag (0xd8 0x40) before it
    expect([...encoded]).toContain(0x43);
    expect([...encoded]).not.toContain(0xd8);
  });

  it('maps decode as plain objects, without records', () => {
    const encoded = encodeMessage({ lapps: 1, method: 'a' });
    // Major type 5, a map (cbor-x writes its length in 16 bits); a record would be tag 105 (0xd8).
    expect(encoded[0]! >> 5).toBe(5);
    const { message } = decodeInbound(encoded);
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
  });

  it('an encoded message is not overwritten by the next encode', () => {
    const first = encodeMessage({ cid: 0, status: 1, result: ['first'] });
    const copy = Uint8Array.from(first);
    for (let i = 0; i < 1000; i++) encodeMessage({ cid: 0, status: 1, result: ['x'.repeat(i)] });
    expect(Uint8Array.from(first)).toEqual(copy);
  });

  it('a value cbor-x cannot encode is INVALID', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(errorOf(() => encodeMessage(cyclic)).code).toBe('LAPPS_ERR_PROTO_INVALID');
  });

  it('a "__proto__" key does not change the prototype', () => {
    // {"__proto__": {"method": "x"}, "lapps": 1} written by hand
    const text = (s: string) => [0x60 + s.length, ...new TextEncoder().encode(s)];
    const bytes = Uint8Array.from([
      0xa2,
      ...text('__proto__'),
      0xa1,
      ...text('method'),
      ...text('x'),
      ...text('lapps'),
      0x01,
    ]);
    const error = errorOf(() => decodeInbound(bytes));
    expect(error.message).toContain('method must be a string');
  });
});

describe('limits', () => {
  it('rejects a message larger than maxMessageBytes', () => {
    const bytes = encodeMessage({ lapps: 1, method: 'a', params: ['x'.repeat(100)] });
    const error = errorOf(() => decodeInbound(bytes, { maxMessageBytes: 64 }));
    expect(error.code).toBe('LAPPS_ERR_PROTO_LIMIT');
    expect(error.rpcCode).toBe(-32600);
    expect(error.message).toContain('larger than the limit of 64');
  });

  it('accepts a message at exactly maxMessageBytes', () => {
    const bytes = encodeMessage({ lapps: 1, method: 'a' });
    expect(decodeInbound(bytes, { maxMessageBytes: bytes.length }).type).toBe(3);
  });

  it('accepts the default depth and rejects one more', () => {
    const ok = encodeMessage({ cid: 1, message: nested(DEFAULT_MAX_DEPTH - 2) });
    expect(decodeServerMessage(ok).cid).toBe(1);
    const deep = encodeMessage({ cid: 1, message: nested(DEFAULT_MAX_DEPTH) });
    const error = errorOf(() => decodeServerMessage(deep));
    expect(error.code).toBe('LAPPS_ERR_PROTO_LIMIT');
    expect(error.message).toContain(`deeper than ${DEFAULT_MAX_DEPTH}`);
  });

  it('counts maps, tags and indefinite-length arrays as levels', () => {
    const limits = { maxDepth: 3 };
    // map > map > map > map
    expect(
      errorOf(() => decodeCbor(encodeMessage({ a: { b: { c: { d: 1 } } } }), limits)).code,
    ).toBe('LAPPS_ERR_PROTO_LIMIT');
    // tag 1 (epoch time) > tag 1 > tag 1 > tag 1 > 0
    expect(
      errorOf(() => decodeCbor(Uint8Array.of(0xc1, 0xc1, 0xc1, 0xc1, 0x00), limits)).code,
    ).toBe('LAPPS_ERR_PROTO_LIMIT');
    // [_ [_ [_ [_ ]]]] indefinite arrays
    const indefinite = Uint8Array.of(0x9f, 0x9f, 0x9f, 0x9f, 0xff, 0xff, 0xff, 0xff);
    expect(errorOf(() => decodeCbor(indefinite, limits)).code).toBe('LAPPS_ERR_PROTO_LIMIT');
    expect(decodeCbor(Uint8Array.of(0x9f, 0x9f, 0x9f, 0xff, 0xff, 0xff), limits)).toEqual([[[]]]);
  });

  it('siblings do not add depth', () => {
    const wide = { cid: 1, message: Array.from({ length: 1000 }, () => [[1], { a: [2] }]) };
    expect(decodeServerMessage(encodeMessage(wide), { maxDepth: 5 })).toEqual(wide);
  });

  it('a hostile deep prefix is stopped before cbor-x recurses', () => {
    const bytes = new Uint8Array(1_000_000).fill(0x81);
    expect(errorOf(() => decodeInbound(bytes)).code).toBe('LAPPS_ERR_PROTO_LIMIT');
  });
});
