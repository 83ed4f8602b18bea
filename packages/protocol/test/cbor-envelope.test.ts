import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARRAY, MAP, readEnvelope } from '../src/cbor-envelope.js';
import { decodeCbor, encodeMessage } from '../src/cbor.js';
import { broadcastProblem, serverMessageProblem } from '../src/outbound.js';

/** Values shaped like server messages, right and wrong, with arbitrary contents. */
const anyValue = fc.jsonValue({ maxDepth: 3 });
const member = fc.oneof(anyValue, fc.constantFrom(0, 1, 2, -1, 5, 1.5, 'x', null, true, [], {}));
const messages = fc.record(
  {
    cid: member,
    status: member,
    result: member,
    message: member,
    error: fc.oneof(
      member,
      fc.record({ code: member, message: member, data: anyValue }, { requiredKeys: [] }),
    ),
  },
  { requiredKeys: [] },
);

describe('readEnvelope', () => {
  it('gives every check the same answer as the fully decoded message', () => {
    fc.assert(
      fc.property(messages, (value) => {
        const bytes = encodeMessage(value);
        const envelope = readEnvelope(bytes, 64);
        const full = decodeCbor(bytes);
        expect(serverMessageProblem(envelope)).toBe(serverMessageProblem(full));
        expect(broadcastProblem(envelope)).toBe(broadcastProblem(full));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes the members the checks read, at the top level and in error, and reads past the rest', () => {
    const bytes = encodeMessage({
      cid: 0,
      status: 0,
      error: { code: -32000, message: 'é', data: { deep: [1] }, other: 'x' },
      extra: [1, { a: 2 }],
      cidx: 1,
    });
    const envelope = readEnvelope(bytes, 64) as Record<string, unknown>;
    expect(envelope).toEqual({
      cid: 0,
      status: 0,
      error: { code: -32000, message: 'é', data: MAP },
    });
    expect(envelope['extra']).toBeUndefined();
    expect(envelope['cidx']).toBeUndefined();
  });

  it('decodes every kind of number', () => {
    const bytes = encodeMessage({ cid: 2 ** 40, status: -300, message: 1.5, result: -(2 ** 40) });
    expect(readEnvelope(bytes, 64)).toEqual({
      cid: 2 ** 40,
      status: -300,
      message: 1.5,
      result: -(2 ** 40),
    });
  });

  it('steps over the contents of arrays without decoding their strings', () => {
    // {"cid": 0, "status": 1, "result": ["\xff"]}: the text inside result is not UTF-8, which is
    // the encoder's business; the envelope is still read.
    const head = encodeMessage({ cid: 0, status: 1, result: ['?'] });
    const bytes = Uint8Array.from(head);
    bytes[bytes.length - 1] = 0xff;
    expect(readEnvelope(bytes, 64)).toEqual({ cid: 0, status: 1, result: ARRAY });
  });

  it('reads indefinite-length items, half floats and tags', () => {
    // {_ "cid": tag 1 (1.0 as a half float), "message": [_ 1, h'00'], "t": 5}; "t" is read past.
    const bytes = Uint8Array.of(
      ...[0xbf, 0x63, 0x63, 0x69, 0x64, 0xc1, 0xf9, 0x3c, 0x00],
      ...[0x67, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x9f, 0x01, 0x41, 0x00, 0xff],
      ...[0x61, 0x74, 0x05, 0xff],
    );
    expect(readEnvelope(bytes, 64)).toEqual({ cid: 1, message: ARRAY });
  });

  it.each([
    ['truncated', Uint8Array.of(0xa1, 0x63, 0x63, 0x69)],
    ['trailing bytes', Uint8Array.of(0xa0, 0x00)],
    ['a reserved head', Uint8Array.of(0x1c)],
    ['bad UTF-8 text', Uint8Array.of(0x61, 0xff)],
    ['a stray break', Uint8Array.of(0xff)],
    ['too deep', Uint8Array.of(...new Array(70).fill(0x81), 0x00)],
    ['an indefinite-length integer', Uint8Array.of(0x1f)],
    ['an indefinite-length integer inside an array', Uint8Array.of(0x81, 0x3f)],
    ['a truncated string inside an array', Uint8Array.of(0x81, 0x62, 0x61)],
    ['a truncated map inside an array', Uint8Array.of(0x81, 0xa1, 0x00)],
  ])('refuses %s', (_name, bytes) => {
    expect(() => readEnvelope(bytes, 64)).toThrow();
  });
});
