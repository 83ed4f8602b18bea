import { decode as cborDecode, Encoder } from 'cbor-x';
import { lua } from 'fengari';
import { beforeEach, describe, expect, it } from 'vitest';
import { fengari } from '../src/modules/nljson-fengari.js';
import { createHarness, type Harness } from './nljson-harness.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});

describe('nljson.decode / encode', () => {
  it('round-trips nested structures with sorted object keys', () => {
    expect(
      h.run(
        `return nljson.encode(nljson.decode('{"b":[1,2,{"c":"x"}],"a":true,"d":1.5,"e":false}'))`,
      ),
    ).toBe('{"a":true,"b":[1,2,{"c":"x"}],"d":1.5,"e":false}');
  });

  it('decodes to plain Lua tables', () => {
    expect(
      h.run(`local v = nljson.decode('{"a":{"b":[10,20]},"s":"x"}')
        return type(v) .. type(v.a.b) .. (v.a.b[2] + #v.a.b) .. v.s .. math.type(v.a.b[1])`),
    ).toBe('tabletable22xinteger');
  });

  it('drops null object members, keeps array nulls as nljson.null, decodes a top-level null as nil', () => {
    expect(
      h.run(`local v = nljson.decode('{"a":null,"b":[1,null,3]}')
        assert(v.a == nil and #v.b == 3 and v.b[2] == nljson.null)
        assert(nljson.decode('null') == nil)
        assert(nljson.encode(nljson.null) == 'null' and nljson.encode(nil) == 'null')
        return nljson.encode(v)`),
    ).toBe('{"b":[1,null,3]}');
    expect(h.run('return type(nljson.null)')).toBe('userdata');
  });

  it('encodes an empty table as {} and keeps decoded empty arrays as []', () => {
    expect(h.run('return nljson.encode({})')).toBe('{}');
    expect(h.run(`return nljson.encode(nljson.decode('[]'))`)).toBe('[]');
    expect(h.run(`return nljson.encode(nljson.decode('{}'))`)).toBe('{}');
    expect(h.run('return nljson.encode(setmetatable({}, nljson.array_mt))')).toBe('[]');
    expect(h.run(`return nljson.encode({a = {}, b = nljson.decode('[]')})`)).toBe(
      '{"a":{},"b":[]}',
    );
    expect(h.run(`return nljson.encode(setmetatable({1, 2}, {__jsontype = 'object'}))`)).toBe(
      '{"1":1,"2":2}',
    );
  });

  it('encodes sequences as arrays and other tables as objects with string keys', () => {
    expect(h.run(`return nljson.encode({1, 2, x = 3})`)).toBe('{"1":1,"2":2,"x":3}');
    expect(h.run(`return nljson.encode({[1] = 'a', [3] = 'c'})`)).toBe('{"1":"a","3":"c"}');
    expect(h.run(`return nljson.encode({[1.5] = true})`)).toBe('{"1.5":true}');
    expect(h.run(`return nljson.encode({'a', {true, false}, 'b'})`)).toBe('["a",[true,false],"b"]');
  });

  it('writes numbers: integral floats as integers, others shortest', () => {
    expect(h.run('return nljson.encode({3.0, 2^53, 0.1, -7, 1e300, -0.5})')).toBe(
      '[3,9007199254740992,0.1,-7,1e+300,-0.5]',
    );
  });

  it('decodes integers outside int32 as floats', () => {
    expect(
      h.run(`local v = nljson.decode('[2147483647,2147483648,-2147483649,-2147483648,1e3,4294967296]')
        local types = {}
        for i, x in ipairs(v) do types[i] = math.type(x) end
        return table.concat(types, ',') .. ' ' .. nljson.encode(v)`),
    ).toBe(
      'integer,float,float,integer,integer,float [2147483647,2147483648,-2147483649,-2147483648,1000,4294967296]',
    );
    expect(h.run(`return nljson.decode('4294967296') == 2^32`)).toBe(true);
  });

  it('handles unicode text', () => {
    expect(
      h.run(`local s = nljson.decode('"h\\\\u00e9llo \\\\ud83d\\\\ude00 日本"')
        assert(s == 'héllo 😀 日本', s)
        return #s .. ' ' .. nljson.encode({[s] = s})`),
    ).toBe('18 {"héllo 😀 日本":"héllo 😀 日本"}');
    expect(h.run(`return nljson.encode('tab\\tquote"back\\\\ nl\\n')`)).toBe(
      '"tab\\tquote\\"back\\\\ nl\\n"',
    );
  });

  it('rejects malformed JSON with a Lua error', () => {
    expect(h.runError(`nljson.decode('{"a":}')`)).toMatch(
      /^\[string ".*"\]:1: nljson\.decode: invalid JSON: /,
    );
    expect(h.runError(`nljson.decode('[1,2')`)).toContain('nljson.decode: invalid JSON');
    expect(h.runError(`nljson.decode('')`)).toContain('nljson.decode: invalid JSON');
    expect(h.runError(`nljson.decode('"\\255"')`)).toContain('JSON text is not valid UTF-8');
    expect(h.runError(`nljson.decode('"\\\\ud800"')`)).toContain('unpaired UTF-16 surrogate');
    expect(h.runError('nljson.decode({})')).toContain('string expected');
    expect(
      h.run(`local ok, err = pcall(nljson.decode, 'nope') return ok == false and type(err)`),
    ).toBe('string');
  });

  it('refuses to encode values JSON cannot hold', () => {
    expect(h.runError('nljson.encode(print)')).toContain('nljson.encode: cannot encode a function');
    expect(h.runError('nljson.encode({f = coroutine.create(print)})')).toContain(
      'cannot encode a thread',
    );
    expect(h.runError('nljson.encode(0/0)')).toContain('NaN or infinity');
    expect(h.runError('nljson.encode({math.huge})')).toContain('NaN or infinity');
    expect(h.runError('nljson.encode({[true] = 1})')).toContain(
      'cannot use a boolean as an object key',
    );
    expect(h.runError('local t = {} t.self = t nljson.encode(t)')).toContain('contains itself');
    expect(h.runError('nljson.encode()')).toContain('value expected');
  });

  it('refuses strings that are not valid UTF-8', () => {
    expect(h.runError(`nljson.encode('\\255abc')`)).toContain(
      'nljson.encode: string is not valid UTF-8',
    );
    expect(h.runError(`nljson.encode({'ok', {'\\192\\128'}})`)).toContain(
      'string is not valid UTF-8',
    );
    expect(h.runError(`nljson.encode({['\\255'] = 1})`)).toContain('object key is not valid UTF-8');
  });

  it('pretty-prints with an indent of 2 by default', () => {
    expect(h.run(`return nljson.encode_pretty({a = {1, 2}, b = 'x', c = {}})`)).toBe(
      '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x",\n  "c": {}\n}',
    );
    expect(h.run(`return nljson.encode_pretty({k = {1}}, 4)`)).toBe(
      '{\n    "k": [\n        1\n    ]\n}',
    );
    expect(h.run(`return nljson.encode_pretty(5)`)).toBe('5');
    expect(h.runError(`nljson.encode_pretty({}, 0)`)).toContain('indent must be 1..16');
    const pretty = h.run(
      `return nljson.encode_pretty(nljson.decode('{"x":[1,{"y":null}],"z":"w"}'))`,
    );
    expect(JSON.parse(pretty as string)).toEqual({ x: [1, {}], z: 'w' });
  });
});

describe('nljson.to_cbor / from_cbor', () => {
  it('round-trips nested structures', () => {
    expect(
      h.run(`local v = {a = {1, 2, {b = true}}, n = -5, f = 1.25, s = 'x', e = {}, z = nljson.decode('[]')}
        return nljson.encode(nljson.from_cbor(nljson.to_cbor(v)))`),
    ).toBe('{"a":[1,2,{"b":true}],"e":{},"f":1.25,"n":-5,"s":"x","z":[]}');
  });

  it('writes standard CBOR that other decoders read', () => {
    const bytes = h.runBytes(
      `return nljson.to_cbor({lapps = 1, method = 'echo', params = {'héllo', 2.5, nljson.null, false}})`,
    );
    expect(cborDecode(bytes)).toEqual({
      lapps: 1,
      method: 'echo',
      params: ['héllo', 2.5, null, false],
    });
    expect(h.run(`return nljson.to_cbor('abc') == '\\x63abc'`)).toBe(true);
    expect(h.run(`return nljson.to_cbor(nil) == '\\xf6'`)).toBe(true);
  });

  it('reads CBOR written by other encoders', () => {
    const encoder = new Encoder({ useRecords: false, tagUint8Array: false });
    h.setBytes(
      'input',
      encoder.encode({
        x: [1, 'y', new Uint8Array([0, 255]), null],
        big: 2 ** 40,
        n: null,
        neg: -3,
      }),
    );
    expect(
      h.run(`local v = nljson.from_cbor(input)
        assert(v.x[3] == '\\0\\255' and v.x[4] == nljson.null and v.n == nil)
        assert(v.big == 2^40 and math.type(v.big) == 'float' and math.type(v.neg) == 'integer')
        return nljson.typename(v.x[3]) .. ' ' .. #v.x`),
    ).toBe('binary 4');
    h.setBytes('u64', Uint8Array.from([0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(h.run('return nljson.from_cbor(u64) == 2^64')).toBe(true);
    h.setBytes('intkeys', Uint8Array.from([0xa1, 0x01, 0x61, 0x61]));
    expect(h.run('return nljson.from_cbor(intkeys)[1]')).toBe('a');
  });

  it('carries binary strings with every byte value as byte strings', () => {
    expect(
      h.run(`local bytes = {}
        for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
        local s = table.concat(bytes)
        local c = nljson.to_cbor(s)
        assert(c:byte(1) == 0x59 and c:byte(2) == 0x01 and c:byte(3) == 0x00 and #c == 259)
        local back = nljson.from_cbor(nljson.to_cbor({bin = s, list = {s, 'text'}}))
        return back.bin == s and back.list[1] == s and #back.bin == 256 and back.list[2] == 'text'`),
    ).toBe(true);
  });

  it('rejects malformed CBOR with a Lua error', () => {
    expect(h.runError(`nljson.from_cbor('\\xff\\x01')`)).toContain(
      'nljson.from_cbor: invalid CBOR',
    );
    expect(h.runError(`nljson.from_cbor('\\x82\\x01')`)).toContain(
      'nljson.from_cbor: invalid CBOR',
    );
    expect(h.runError(`nljson.from_cbor('\\x01\\x01')`)).toContain(
      'nljson.from_cbor: invalid CBOR',
    );
    expect(h.runError(`nljson.from_cbor('')`)).toContain('nljson.from_cbor: invalid CBOR');
    expect(h.runError(`nljson.from_cbor('\\xc6\\x01')`)).toContain(
      'nljson.from_cbor: unsupported CBOR tag 6',
    );
    expect(h.runError(`nljson.from_cbor('\\x5a\\xff\\xff\\xff\\xff')`)).toContain('invalid CBOR');
    expect(h.run(`return nljson.encode(nljson.from_cbor(nljson.to_cbor({a = {1}})))`)).toBe(
      '{"a":[1]}',
    );
    expect(h.runError('nljson.to_cbor({print})')).toContain(
      'nljson.to_cbor: cannot encode a function',
    );
  });
});

describe('limits', () => {
  const nested = (depth: number) => `local t = 1 for i = 1, ${depth} do t = {t} end return t`;

  it('accepts 512 levels and rejects deeper nesting in every direction', () => {
    expect(h.run(`local t = (function() ${nested(512)} end)() return #nljson.encode(t)`)).toBe(
      512 * 2 + 1,
    );
    expect(h.runError(`local t = (function() ${nested(513)} end)() nljson.encode(t)`)).toContain(
      'nesting too deep',
    );
    expect(h.runError(`local t = (function() ${nested(600)} end)() nljson.to_cbor(t)`)).toContain(
      'nesting too deep',
    );
    expect(
      h.run(`return nljson.typename(nljson.decode(string.rep('[', 512) .. string.rep(']', 512)))`),
    ).toBe('array');
    expect(h.runError(`nljson.decode(string.rep('[', 513) .. string.rep(']', 513))`)).toContain(
      'nesting too deep',
    );
    expect(
      h.runError(`nljson.decode(string.rep('[', 100000) .. string.rep(']', 100000))`),
    ).toContain('nljson.decode');
    expect(
      h.run(`local t = (function() ${nested(512)} end)()
        return nljson.encode(nljson.from_cbor(nljson.to_cbor(t))) == nljson.encode(t)`),
    ).toBe(true);
    expect(h.run(`return #nljson.from_cbor(string.rep('\\x81', 512) .. '\\x01')`)).toBe(1);
    for (const prefix of ['\\x81', '\\xa1\\x61\\x61', '\\x9f']) {
      for (const depth of [513, 100000]) {
        expect(
          h.runError(`nljson.from_cbor(string.rep('${prefix}', ${depth}) .. '\\x01')`),
        ).toContain('nljson.from_cbor: nesting too deep');
      }
    }
    // Read in one pass, a chain of tags fails at its first tag, which nljson does not support.
    expect(h.runError(`nljson.from_cbor(string.rep('\\xc6', 100000) .. '\\x01')`)).toContain(
      'nljson.from_cbor: unsupported CBOR tag 6',
    );
    expect(
      h.runError(`local t = (function() ${nested(600)} end)() nljson.traverse(t, function() end)`),
    ).toContain('nesting too deep');
  });
});

describe('nljson.typename / empty / find / erase / foreach / traverse', () => {
  it('names every kind of value', () => {
    expect(
      h.run(`local names = {}
        for _, v in ipairs({ {a = 1}, {1, 2}, 'x', 1, 1.5, true, false, nljson.null, '\\255', print }) do
          names[#names + 1] = nljson.typename(v)
        end
        names[#names + 1] = nljson.typename(nil)
        names[#names + 1] = nljson.typename({})
        names[#names + 1] = nljson.typename(nljson.decode('[]'))
        return table.concat(names, ',')`),
    ).toBe(
      'object,array,string,number,number,boolean,boolean,null,binary,function,null,object,array',
    );
  });

  it('empty is true for nil, null, {} and empty strings only', () => {
    expect(
      h.run(`local r = {}
        for _, v in ipairs({ {}, {1}, {a = 1}, '', 'x', 0, false, nljson.null, nljson.decode('[]') }) do
          r[#r + 1] = tostring(nljson.empty(v))
        end
        r[#r + 1] = tostring(nljson.empty(nil))
        return table.concat(r, ',')`),
    ).toBe('true,false,false,true,false,false,false,true,true,true');
  });

  it('find returns the member or nil', () => {
    expect(
      h.run(`local v = nljson.decode('{"a":{"b":2},"l":[5,6]}')
        return nljson.find(v, 'a').b .. nljson.find(v.l, 2) .. tostring(nljson.find(v, 'zz'))
          .. tostring(nljson.find('str', 'a')) .. tostring(nljson.find(v, nil))`),
    ).toBe('26nilnilnil');
  });

  it('erase removes members and shifts arrays', () => {
    expect(
      h.run(`local v = nljson.decode('{"a":1,"b":2,"l":[1,2,3]}')
        local r = {nljson.erase(v, 'a'), nljson.erase(v, 'a'), nljson.erase(v.l, 1), nljson.erase(v.l, 9),
          nljson.erase(v, nil)}
        for i = 1, #r do r[i] = tostring(r[i]) end
        return table.concat(r, ',') .. ' ' .. nljson.encode(v)`),
    ).toBe('true,false,true,false,false {"b":2,"l":[2,3]}');
    expect(h.run(`local l = nljson.decode('[7]') nljson.erase(l, 1) return nljson.encode(l)`)).toBe(
      '[]',
    );
    expect(h.runError(`nljson.erase('x', 1)`)).toContain('table expected');
  });

  it('foreach calls fn(key, value) for each entry', () => {
    expect(
      h.run(`local seen = {}
        nljson.foreach(nljson.decode('[10,20,30]'), function(k, v) seen[#seen + 1] = k .. '=' .. v end)
        local obj = {}
        nljson.foreach({x = 1, y = 2, z = 3}, function(k, v) obj[#obj + 1] = k .. '=' .. v end)
        table.sort(obj)
        return table.concat(seen, ',') .. ' ' .. table.concat(obj, ',')`),
    ).toBe('1=10,2=20,3=30 x=1,y=2,z=3');
    expect(
      h.run(`local t = {a = 1, b = 2, c = 3}
        local n = 0
        nljson.foreach(t, function(k) n = n + 1 t.a = nil t.b = nil t.c = nil t[k] = 0 end)
        return n`),
    ).toBe(1);
    expect(h.runError(`nljson.foreach({1}, function() error('boom') end)`)).toContain('boom');
    expect(h.runError('nljson.foreach({1}, 5)')).toContain('function expected');
  });

  it('traverse walks depth-first with JSON Pointer paths', () => {
    expect(
      h.run(`local v = nljson.decode('{"a":{"b":[1,{"c":true}]},"d/e":"x","t~":0}')
        local seen = {}
        nljson.traverse(v, function(path, value, key)
          seen[#seen + 1] = path .. '=' .. (type(value) == 'table' and nljson.typename(value) or tostring(value))
            .. '@' .. tostring(key)
        end)
        return table.concat(seen, ' ')`),
    ).toBe(
      '/a=object@a /a/b=array@b /a/b/0=1@1 /a/b/1=object@2 /a/b/1/c=true@c /d~1e=x@d/e /t~0=0@t~',
    );
    expect(h.runError('local t = {} t[1] = t nljson.traverse(t, function() end)')).toContain(
      'contains itself',
    );
    expect(h.run(`local n = 0 nljson.traverse({}, function() n = n + 1 end) return n`)).toBe(0);
  });

  it('leaves the stack balanced', () => {
    expect(
      h.run(`local v = nljson.decode('{"a":[1,2,{"b":3}]}')
        for _ = 1, 50 do
          nljson.from_cbor(nljson.to_cbor(v)); nljson.encode(v); nljson.typename(v); nljson.empty(v)
          nljson.foreach(v, function() end); nljson.traverse(v, function() end)
          pcall(nljson.decode, '{'); pcall(nljson.encode, print)
        end
        return select('#', nljson.encode(v), nljson.typename(v), nljson.empty(v), nljson.find(v, 'a'))`),
    ).toBe(4);
  });
});

describe('module', () => {
  it('uses the same fengari instance as the rest of the bridge', () => {
    expect(fengari.lua).toBe(lua as unknown);
  });

  it('exposes the LAppS 0.9 functions, null and array_mt', () => {
    expect(
      h.run(`local names = {}
        for k, v in pairs(nljson) do names[#names + 1] = k .. ':' .. type(v) end
        table.sort(names)
        return table.concat(names, ' ')`),
    ).toBe(
      'array_mt:table decode:function empty:function encode:function encode_pretty:function erase:function find:function foreach:function from_cbor:function null:userdata to_cbor:function traverse:function typename:function',
    );
  });
});
