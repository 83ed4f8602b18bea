import { Decoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { createHarness } from './nljson-harness.js';

// The writer reads fengari's tables directly (src/modules/nljson-cbor-write.ts): these tests are
// what fails first if a fengari update changes those internals.
const h = createHarness();
const cbor = new Decoder({ mapsAsObjects: true, useRecords: false });
const encode = (lua: string) => h.runBytes(`return nljson.to_cbor(${lua})`);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('Lua → CBOR straight from the tables', () => {
  it('writes arrays, maps with sorted keys, and every scalar in the shortest standard form', () => {
    expect(hex(encode(`{3, 'a', true, false, nljson.null}`))).toBe('85036161f5f4f6');
    expect(hex(encode(`{b = 1, a = 2, [10] = 3}`))).toBe('a362313003616102616201'); // "10" < "a" < "b"
    expect(hex(encode('23'))).toBe('17');
    expect(hex(encode('24'))).toBe('1818');
    expect(hex(encode('-1'))).toBe('20');
    expect(hex(encode('-300'))).toBe('39012b');
    expect(hex(encode('65536'))).toBe('1a00010000');
    expect(hex(encode('2^32 - 1'))).toBe('1affffffff');
    // Beyond 32 bits a float64, which JS decoders read as a number (not a BigInt).
    expect(hex(encode('2^40'))).toBe('fb4270000000000000');
    expect(cbor.decode(encode('1795816084573.0'))).toBe(1795816084573);
    expect(hex(encode('1.5'))).toBe('fb3ff8000000000000');
    expect(hex(encode('4.0'))).toBe('04'); // integral floats are integers
  });

  it('tells text from bytes and empty arrays from empty objects', () => {
    expect(cbor.decode(encode(`{t = 'héllo', b = '\\xff\\x00'}`))).toEqual({
      t: 'héllo',
      b: Uint8Array.of(0xff, 0),
    });
    expect(hex(encode('{}'))).toBe('a0');
    expect(hex(encode('setmetatable({}, nljson.array_mt)'))).toBe('80');
    expect(hex(encode(`setmetatable({1, 2}, {__jsontype = 'object'})`))).toBe('a2613101613202');
    expect(hex(encode('{1, nil, 3}'))).toBe('a2613101613303'); // a hole: not a sequence
  });

  it('grows its buffer for large values and leaves every result independent', () => {
    const big = cbor.decode(
      encode(
        `(function() local t = {} for i = 1, 5000 do t[i] = string.rep('x', 20) .. i end return t end)()`,
      ),
    ) as string[];
    expect(big).toHaveLength(5000);
    expect(big[4999]).toBe(`${'x'.repeat(20)}5000`);
    const first = encode(`{'first'}`);
    encode(`{'second', 'overwrite?'}`);
    expect(cbor.decode(first)).toEqual(['first']);
  });

  it('refuses what nljson cannot encode, naming it', () => {
    expect(h.runError('nljson.to_cbor({f = print})')).toContain('cannot encode a function');
    expect(h.runError('local t = {} t.self = t nljson.to_cbor(t)')).toContain(
      'cannot encode a table that contains itself',
    );
    expect(h.runError(`nljson.to_cbor({['\\xff'] = 1})`)).toContain(
      'object key is not valid UTF-8',
    );
    expect(h.runError('nljson.to_cbor({[true] = 1})')).toContain(
      'cannot use a boolean as an object key',
    );
    expect(
      h.runError(
        'local t = {} local c = t for i = 1, 600 do c[1] = {} c = c[1] end nljson.to_cbor(t)',
      ),
    ).toContain('nesting too deep');
    // The same table twice, side by side, is not a cycle.
    expect(cbor.decode(encode('(function() local x = {1} return {x, x} end)()'))).toEqual([
      [1],
      [1],
    ]);
  });
});
