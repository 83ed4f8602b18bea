/**
 * CBOR bytes → a Lua value in one pass, with no JS objects in between: the inbound half of a
 * LAppS-protocol call (the protocol checks the envelope from the same bytes, then this builds the
 * `message` table), where decoding into JS values first and converting those cost about as much
 * as the service's own Lua.
 *
 * The value is what `nljson.from_cbor` builds (see nljson-convert.ts, `pushJs`): maps are tables,
 * arrays are tables with the array metatable, null and undefined are `nljson.null` in arrays and
 * absent in maps, integers within 32 bits are Lua integers and other numbers floats, tag 1 (epoch
 * time) is its number, tags 2 and 3 (bignums) are floats, tag 259 (an explicit map) is the map.
 * Stricter than cbor-x in two places: text that is not valid UTF-8 is refused instead of
 * replaced, and map keys keep their type (an integer key is a Lua integer, as in `from_cbor`).
 * Any other tag, a simple value, a map key that is not a string, number or boolean, malformed or
 * truncated bytes and nesting deeper than the limit are errors (NljsonError), and nothing is left
 * on the Lua stack.
 */
import { isUtf8 } from 'node:buffer';
import { blessBytes, type LuaStringObject, pushLuaString } from '../lua-bytes.js';
import type { LuaState } from '../module.js';
import { ARRAY_MT_KEY, ARRAY_MT_SLOT, JSON_NULL, NljsonError } from './nljson-convert.js';
import { fengari } from './nljson-fengari.js';

const { lua, lauxlib } = fengari;
const STACK_MSG = fengari.to_luastring('cbor');

// The reader's state: one value is read at a time (the Lua calls it makes never re-enter it).
let bytes: Uint8Array = new Uint8Array(0);
let pos = 0;
let view: DataView | undefined;
let maxDepth = 0;

function fail(reason: string): never {
  throw new NljsonError(reason);
}

function byte(): number {
  if (pos >= bytes.length) fail('invalid CBOR: unexpected end');
  return bytes[pos++] as number;
}

function dataView(): DataView {
  if (view === undefined || view.buffer !== bytes.buffer) {
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return view;
}

/** The argument of a head; -1 for an indefinite length (info 31). */
function argument(info: number): number {
  if (info < 24) return info;
  const at = pos;
  switch (info) {
    case 24:
      return byte();
    case 25:
      if (at + 2 > bytes.length) fail('invalid CBOR: unexpected end');
      pos += 2;
      return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    case 26:
      if (at + 4 > bytes.length) fail('invalid CBOR: unexpected end');
      pos += 4;
      return dataView().getUint32(at);
    case 27:
      if (at + 8 > bytes.length) fail('invalid CBOR: unexpected end');
      pos += 8;
      return Number(dataView().getBigUint64(at));
    case 31:
      return -1;
    default:
      return fail(`invalid CBOR: reserved additional information ${info}`);
  }
}

/** A definite length that fits in what is left of the bytes. */
function length(info: number): number {
  const n = argument(info);
  if (n > bytes.length - pos) fail('invalid CBOR: unexpected end');
  return n;
}

function pushNumber(L: LuaState, n: number): void {
  if (Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff && !Object.is(n, -0)) {
    lua.lua_pushinteger(L, n);
  } else lua.lua_pushnumber(L, n);
}

/** Whether bytes[start, end) are UTF-8: short ASCII runs are checked here, the rest natively. */
function utf8(start: number, end: number): boolean {
  if (end - start <= 256) {
    const b = bytes;
    let i = start;
    while (i < end && (b[i] as number) < 0x80) i++;
    if (i === end) return true;
  }
  return isUtf8(bytes.subarray(start, end));
}

/**
 * Short strings repeat (keys, method names): their Lua strings are kept with the hash fengari
 * caches on them for table lookups, found by an FNV-1a hash of the bytes and checked byte for
 * byte. Bounded: clients sending ever new strings cannot grow it; the first strings seen stay.
 */
const shortStrings = new Map<number, LuaStringObject>();
const MAX_SHORT = 32;
const MAX_CACHED = 1024;

/**
 * Pushes bytes[start, end) as a Lua string: a view of the input, not a copy, as the raw path
 * blesses a whole payload (the caller gives up the input; see `pushCborValue`).
 */
function pushString(L: LuaState, start: number, end: number): void {
  const n = end - start;
  if (n === 0) {
    lua.lua_pushliteral(L, '');
    return;
  }
  if (n <= MAX_SHORT) {
    const b = bytes;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (b[i] as number), 0x01000193);
    const cached = shortStrings.get(hash);
    if (cached !== undefined && sameBytes(cached.realstring, start, end)) {
      pushLuaString(L, cached);
      return;
    }
    // Cached strings outlive the message: a copy, so that they do not keep its buffer alive.
    if (cached !== undefined || shortStrings.size >= MAX_CACHED) {
      pushLuaString(L, blessBytes(L, bytes.subarray(start, end)));
      return;
    }
    const s = blessBytes(L, copy(start, end));
    shortStrings.set(hash, s);
    pushLuaString(L, s);
    return;
  }
  pushLuaString(L, blessBytes(L, bytes.subarray(start, end)));
}

function sameBytes(s: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s[i] !== bytes[start + i]) return false;
  return true;
}

/** A copy in Node's buffer pool (a fresh ArrayBuffer over 64 bytes costs 1-3 µs here). */
function copy(start: number, end: number): Uint8Array {
  const out = Buffer.allocUnsafe(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}

/** An indefinite-length string: its chunks (of the same major type) joined. */
function pushChunks(L: LuaState, major: number): void {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const head = byte();
    if (head === 0xff) break;
    if (head >> 5 !== major || (head & 0x1f) === 31) fail('invalid CBOR: bad string chunk');
    const n = length(head & 0x1f);
    if (major === 3 && !utf8(pos, pos + n)) fail('text string is not valid UTF-8');
    parts.push(bytes.subarray(pos, pos + n));
    pos += n;
    total += n;
  }
  if (total === 0) lua.lua_pushliteral(L, '');
  else pushLuaString(L, blessBytes(L, Buffer.concat(parts, total)));
}

/** Pushes one item. `inArray`: null becomes `nljson.null` (else nil). */
function pushItem(L: LuaState, depth: number, inArray: boolean, mt: number): void {
  const head = byte();
  const major = head >> 5;
  const info = head & 0x1f;
  switch (major) {
    case 0:
      if (info === 31) fail('invalid CBOR: indefinite integer');
      pushNumber(L, argument(info));
      return;
    case 1:
      if (info === 31) fail('invalid CBOR: indefinite integer');
      pushNumber(L, -1 - argument(info));
      return;
    case 2:
    case 3: {
      if (info === 31) {
        pushChunks(L, major);
        return;
      }
      const n = length(info);
      const start = pos;
      pos += n;
      if (major === 3 && !utf8(start, pos)) fail('text string is not valid UTF-8');
      pushString(L, start, pos);
      return;
    }
    case 4:
      pushArray(L, argument(info), depth + 1, mt);
      return;
    case 5:
      pushMap(L, argument(info), depth + 1, mt);
      return;
    case 6:
      pushTagged(L, argument(info), depth + 1, inArray, mt);
      return;
    default:
      pushSimple(L, info, inArray);
  }
}

function enter(L: LuaState, depth: number): void {
  if (depth > maxDepth) fail(`nesting too deep (more than ${maxDepth} levels)`);
  lauxlib.luaL_checkstack(L, 4, STACK_MSG);
}

function pushArray(L: LuaState, count: number, depth: number, mt: number): void {
  enter(L, depth);
  if (count > bytes.length - pos) fail('invalid CBOR: unexpected end');
  lua.lua_createtable(L, Math.max(0, count), 0);
  let i = 0;
  while (count < 0 ? bytes[pos] !== 0xff : i < count) {
    pushItem(L, depth, true, mt);
    lua.lua_rawseti(L, -2, ++i);
  }
  if (count < 0) byte(); // the break; `bytes[pos]` past the end is undefined, so byte() fails
  lua.lua_pushvalue(L, mt);
  lua.lua_setmetatable(L, -2);
}

function pushMap(L: LuaState, count: number, depth: number, mt: number): void {
  enter(L, depth);
  if (count > bytes.length - pos) fail('invalid CBOR: unexpected end');
  lua.lua_createtable(L, 0, Math.max(0, count));
  let i = 0;
  while (count < 0 ? bytes[pos] !== 0xff : i < count) {
    pushKey(L);
    // null leaves the key out (rawset with nil), as JSON null does in nljson.
    pushItem(L, depth, false, mt);
    lua.lua_rawset(L, -3);
    i++;
  }
  if (count < 0) byte();
}

function pushKey(L: LuaState): void {
  const head = bytes[pos];
  const major = (head ?? 0) >> 5;
  if (head === undefined) fail('invalid CBOR: unexpected end');
  if (major <= 3) {
    pushItem(L, 0, false, 0); // a number or a string: depth and metatable play no part
    return;
  }
  if (head === 0xf4 || head === 0xf5) {
    pos++;
    lua.lua_pushboolean(L, head === 0xf5);
    return;
  }
  if (head >= 0xf9 && head <= 0xfb) {
    pos++;
    pushSimple(L, head & 0x1f, false);
    if (Number.isNaN(lua.lua_tonumber(L, -1))) fail('a map key is NaN');
    return;
  }
  fail('unsupported map key (only strings, numbers and booleans)');
}

function pushTagged(L: LuaState, tag: number, depth: number, inArray: boolean, mt: number): void {
  if (tag < 0) fail('invalid CBOR: indefinite tag');
  if (depth > maxDepth) fail(`nesting too deep (more than ${maxDepth} levels)`);
  const next = bytes[pos];
  if (next === undefined) fail('invalid CBOR: unexpected end');
  const major = next >> 5;
  if (tag === 1 && (major <= 1 || next === 0xf9 || next === 0xfa || next === 0xfb)) {
    pushItem(L, depth, inArray, mt); // epoch seconds: the number itself
    const n = lua.lua_tonumber(L, -1);
    lua.lua_pop(L, 1);
    lua.lua_pushnumber(L, n);
    return;
  }
  if ((tag === 2 || tag === 3) && major === 2 && (next & 0x1f) !== 31) {
    pos++;
    const n = length(next & 0x1f);
    let value = 0;
    for (let i = pos; i < pos + n; i++) value = value * 256 + (bytes[i] as number);
    pos += n;
    lua.lua_pushnumber(L, tag === 2 ? value : -1 - value);
    return;
  }
  if (tag === 259 && major === 5) {
    pushItem(L, depth, inArray, mt);
    return;
  }
  fail(`unsupported CBOR tag ${tag}`);
}

function pushSimple(L: LuaState, info: number, inArray: boolean): void {
  switch (info) {
    case 20:
      lua.lua_pushboolean(L, false);
      return;
    case 21:
      lua.lua_pushboolean(L, true);
      return;
    case 22:
    case 23:
      if (inArray) lua.lua_pushlightuserdata(L, JSON_NULL);
      else lua.lua_pushnil(L);
      return;
    case 25: {
      const bits = argument(25);
      pushNumber(L, halfFloat(bits));
      return;
    }
    case 26: {
      const at = pos;
      argument(26);
      pushNumber(L, dataView().getFloat32(at));
      return;
    }
    case 27: {
      const at = pos;
      if (at + 8 > bytes.length) fail('invalid CBOR: unexpected end');
      pos += 8;
      pushNumber(L, dataView().getFloat64(at));
      return;
    }
    case 31:
      fail('invalid CBOR: unexpected break');
      return;
    default:
      fail(`unsupported CBOR simple value ${info === 24 ? byte() : info}`);
  }
}

function halfFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Pushes the Lua value of the CBOR item that `input` holds (exactly one item, nothing after it).
 * The caller gives up `input`, as with `pushBytes`: Lua strings may be views of it, so it must
 * never change afterwards. Throws NljsonError, leaving the stack as it was, when it cannot.
 */
export function pushCborValue(L: LuaState, input: Uint8Array, depthLimit: number): void {
  const top = lua.lua_gettop(L);
  bytes = input;
  pos = 0;
  view = undefined;
  maxDepth = depthLimit;
  try {
    if (input.length === 0) fail('invalid CBOR: empty');
    if (lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ARRAY_MT_SLOT) !== lua.LUA_TTABLE) {
      lua.lua_pop(L, 1);
      lua.lua_rawgetp(L, lua.LUA_REGISTRYINDEX, ARRAY_MT_KEY);
    }
    const mt = lua.lua_gettop(L);
    pushItem(L, 0, false, mt);
    if (pos !== input.length) fail('invalid CBOR: extra bytes after the value');
    lua.lua_remove(L, mt);
  } catch (error) {
    lua.lua_settop(L, top);
    throw error;
  } finally {
    bytes = EMPTY;
    view = undefined;
  }
}

const EMPTY = new Uint8Array(0);
