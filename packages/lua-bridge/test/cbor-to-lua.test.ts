import { Decoder, Encoder } from 'cbor-x';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { pushCborValue } from '../src/modules/cbor-to-lua.js';
import { luaToCbor } from '../src/modules/nljson-cbor-write.js';
import { MAX_DEPTH, pushJs } from '../src/modules/nljson-convert.js';
import { fengari } from '../src/modules/nljson-fengari.js';
import { createHarness, type Harness } from './nljson-harness.js';

const { lua, to_luastring } = fengari;

// What clients send (cbor-x with plain maps), and the decode-then-convert path it replaces.
const encoder = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });

let h: Harness;
beforeEach(() => {
  h = createHarness();
});

/** The Lua value's own CBOR (sorted keys, one canonical form): how two Lua values are compared. */
function luaValueOf(push: () => void): string {
  const top = lua.lua_gettop(h.L);
  push();
  expect(lua.lua_gettop(h.L)).toBe(top + 1);
  const bytes = luaToCbor(h.L, -1);
  lua.lua_settop(h.L, top);
  return Buffer.from(bytes).toString('hex');
}

/** Runs `code` with the pushed value as the global `v`. */
function withValue(bytes: Uint8Array, code: string): unknown {
  pushCborValue(h.L, bytes, MAX_DEPTH);
  lua.lua_setglobal(h.L, to_luastring('v'));
  return h.run(code);
}

const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, 1.5, -0.25),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.string({ unit: 'grapheme' }),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('any'), { maxKeys: 4 }),
  ),
}));

describe('pushCborValue', () => {
  it('builds the Lua value that decoding with cbor-x and converting builds', () => {
    fc.assert(
      fc.property(value.any, (v) => {
        const bytes = encoder.encode(v);
        const direct = luaValueOf(() => pushCborValue(h.L, bytes, MAX_DEPTH));
        const viaJs = luaValueOf(() => pushJs(h.L, decoder.decode(bytes)));
        expect(direct).toBe(viaJs);
      }),
      { numRuns: 1500 },
    );
  }, 30_000);

  it('reads a LAppS request into the table services read', () => {
    const bytes = encoder.encode({ lapps: 1, method: 'echo', params: ['x', [1, 2], { a: null }] });
    expect(
      withValue(
        bytes,
        `assert(v.lapps == 1 and math.type(v.lapps) == 'integer' and v.method == 'echo')
         assert(getmetatable(v.params) == nljson.array_mt and #v.params == 3)
         assert(v.params[3].a == nil and next(v.params[3]) == nil)
         return v.params[1] .. #v.params[2]`,
      ),
    ).toBe('x2');
  });

  it('reads indefinite lengths, every float width, and the tags nljson knows', () => {
    // [_ "a"_("b", "c"), h'01'_(h'02'), {_ "k": 1}, 1.5 (half), 1.5 (single), 1(1.0e9),
    //  2(h'0100'), 3(h'ff'), 259({1: "x"})]
    const bytes = Uint8Array.of(
      ...[0x9f, 0x7f, 0x61, 0x62, 0x61, 0x63, 0xff, 0x5f, 0x41, 0x01, 0x41, 0x02, 0xff],
      ...[0xbf, 0x61, 0x6b, 0x01, 0xff, 0xf9, 0x3e, 0x00, 0xfa, 0x3f, 0xc0, 0x00, 0x00],
      ...[0xc1, 0x1a, 0x3b, 0x9a, 0xca, 0x00, 0xc2, 0x42, 0x01, 0x00, 0xc3, 0x41, 0xff],
      ...[0xd9, 0x01, 0x03, 0xa1, 0x01, 0x61, 0x78, 0xff],
    );
    expect(
      withValue(
        bytes,
        `assert(v[1] == 'bc' and v[2] == '\\1\\2' and v[3].k == 1)
         assert(v[4] == 1.5 and v[5] == 1.5 and v[6] == 1e9 and math.type(v[6]) == 'float')
         assert(v[7] == 256 and v[8] == -256 and v[9][1] == 'x')
         return #v`,
      ),
    ).toBe(9);
  });

  it('keeps map keys of every kind nljson allows', () => {
    // {1: "i", -2: "n", 1.5: "f", true: "t", h'00': "b"}
    const bytes = Uint8Array.of(
      ...[0xa5, 0x01, 0x61, 0x69, 0x21, 0x61, 0x6e, 0xf9, 0x3e, 0x00, 0x61, 0x66],
      ...[0xf5, 0x61, 0x74, 0x41, 0x00, 0x61, 0x62],
    );
    expect(withValue(bytes, `return v[1] .. v[-2] .. v[1.5] .. v[true] .. v['\\0']`)).toBe('inftb');
  });

  it('reads repeated short strings (keys, method names) as equal Lua strings, usable as keys', () => {
    const bytes = encoder.encode([{ method: 'echo' }, { method: 'echo' }, 'echo']);
    expect(
      withValue(
        bytes,
        `local t = {echo = 'found'}
         assert(v[1].method == v[2].method and v[2].method == v[3])
         return t[v[1].method] .. t[v[3]]`,
      ),
    ).toBe('foundfound');
  });

  it.each([
    ['empty input', Uint8Array.of(), 'invalid CBOR'],
    ['a truncated string', Uint8Array.of(0x63, 0x61), 'invalid CBOR'],
    ['a truncated array', Uint8Array.of(0x82, 0x01), 'invalid CBOR'],
    ['an unterminated indefinite map', Uint8Array.of(0xbf, 0x61, 0x61, 0x01), 'invalid CBOR'],
    ['extra bytes', Uint8Array.of(0x01, 0x02), 'extra bytes'],
    ['a stray break', Uint8Array.of(0xff), 'unexpected break'],
    ['a reserved head', Uint8Array.of(0x1c), 'reserved'],
    ['an array claiming more items than bytes', Uint8Array.of(0x9b, 0, 0, 0, 1, 0, 0, 0, 0), 'end'],
    ['text that is not UTF-8', Uint8Array.of(0x62, 0xc3, 0x28), 'not valid UTF-8'],
    ['a chunk of the wrong type', Uint8Array.of(0x7f, 0x41, 0x00, 0xff), 'chunk'],
    ['an unsupported tag', Uint8Array.of(0xc6, 0x01), 'unsupported CBOR tag 6'],
    ['tag 1 on a string', Uint8Array.of(0xc1, 0x61, 0x61), 'unsupported CBOR tag 1'],
    ['a simple value', Uint8Array.of(0xe0), 'unsupported CBOR simple value 0'],
    ['a map key that is a map', Uint8Array.of(0xa1, 0xa0, 0x01), 'unsupported map key'],
    ['a NaN map key', Uint8Array.of(0xa1, 0xf9, 0x7e, 0x00, 0x01), 'NaN'],
    ['nesting past the limit', Uint8Array.of(...new Array(600).fill(0x81), 0x01), 'too deep'],
  ])('refuses %s, leaving the stack as it was', (_name, bytes, words) => {
    lua.lua_pushinteger(h.L, 7);
    const top = lua.lua_gettop(h.L);
    expect(() => pushCborValue(h.L, bytes, MAX_DEPTH)).toThrow(words);
    expect(lua.lua_gettop(h.L)).toBe(top);
    expect(lua.lua_tointeger(h.L, -1)).toBe(7);
  });
});
