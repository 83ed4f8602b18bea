/**
 * Lua value → CBOR bytes in one pass, reading fengari's tables directly: no intermediate JS
 * objects, no UTF-8 decoding and re-encoding of strings. This is the encoding of
 * `nljson.to_cbor` and of `ws:send(handler, value)` (a LAppS response is written here), so it is on
 * the hot path of every LAppS-protocol call.
 *
 * The rules are nljson's (see nljson.ts): a table whose keys are exactly 1..n is an array, an empty
 * one is an object unless its metatable says `__jsontype = 'array'` (`__jsontype = 'object'`
 * forces an object); map keys are strings (written as text; numbers in their string form),
 * sorted by their bytes; strings that are valid UTF-8 are text, others byte strings; whole
 * numbers within ±2^32 are integers, others float64; `nljson.null` is null; functions, userdata, threads,
 * nesting deeper than 512 and tables that contain themselves are errors.
 *
 * fengari internals used (fengari is pinned to 0.1.5; test/nljson-cbor-write.test.ts fails loudly
 * if they change): a table is `{strong: Map<hash, {key, value}>, f: first entry, metatable}`,
 * entries link through `n`; integer keys hash to themselves, string keys to `luaS_hash(bytes)`;
 * a value is a TValue `{type, value}`, strings are TStrings with `realstring` bytes.
 */
import { isUtf8 } from 'node:buffer';
import { lua } from 'fengari';
import { luaS_hash } from 'fengari/src/lstring.js';
import type { LuaState } from '../module.js';
import { JSON_NULL, MAX_DEPTH, NljsonError } from './nljson-convert.js';

interface TValue {
  readonly type: number;
  readonly value: unknown;
}
interface Entry {
  readonly key: TValue;
  readonly value: TValue;
  readonly n: Entry | undefined;
}
interface Table {
  readonly strong: Map<unknown, Entry>;
  readonly f: Entry | undefined;
  readonly metatable: Table | null;
}

// fengari's type tags with their variant bits (defs.js constant_types).
const T_NIL = 0;
const T_BOOLEAN = 1;
const T_LIGHTUSERDATA = 2;
const T_NUMFLT = 3;
const T_NUMINT = 3 | (1 << 4);
const T_SHRSTR = 4;
const T_LNGSTR = 4 | (1 << 4);
const T_TABLE = 5;

const TYPE_NAMES = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function'];

const JSONTYPE_HASH = luaS_hash(new TextEncoder().encode('__jsontype'));
const ARRAY = new TextEncoder().encode('array');
const OBJECT = new TextEncoder().encode('object');

/** A growable output buffer, reused across calls (the result is copied out). */
let out = new Uint8Array(4096);
let view = new DataView(out.buffer);
let pos = 0;

function ensure(n: number): void {
  if (pos + n <= out.length) return;
  let size = out.length * 2;
  while (size < pos + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(out.subarray(0, pos));
  out = next;
  view = new DataView(out.buffer);
}

/** A CBOR head: major type and argument. */
function head(major: number, n: number): void {
  ensure(9);
  const m = major << 5;
  if (n < 24) out[pos++] = m | n;
  else if (n < 0x100) {
    out[pos++] = m | 24;
    out[pos++] = n;
  } else if (n < 0x10000) {
    out[pos++] = m | 25;
    view.setUint16(pos, n);
    pos += 2;
  } else if (n < 0x100000000) {
    out[pos++] = m | 26;
    view.setUint32(pos, n);
    pos += 4;
  } else {
    out[pos++] = m | 27;
    view.setBigUint64(pos, BigInt(n));
    pos += 8;
  }
}

/** Integers of up to 32 bits go out as CBOR integers, larger ones as float64 (see writeNumber). */
const MAX_WHOLE = 2 ** 32;

/**
 * Whole numbers within ±2^32 as integers, everything else as float64: a 64-bit integer would
 * reach JS decoders (cbor-x, the browser's) as a BigInt, which JSON.stringify and arithmetic
 * with numbers reject; times in ms since the epoch are such numbers. A float64 holds them exactly.
 */
function writeNumber(n: number): void {
  if (Number.isInteger(n) && n < MAX_WHOLE && n >= -MAX_WHOLE && !Object.is(n, -0)) {
    if (n >= 0) head(0, n);
    else head(1, -1 - n);
    return;
  }
  ensure(9);
  out[pos++] = 0xfb;
  view.setFloat64(pos, n);
  pos += 8;
}

function writeBytes(major: number, bytes: Uint8Array): void {
  head(major, bytes.length);
  ensure(bytes.length);
  out.set(bytes, pos);
  pos += bytes.length;
}

function writeString(bytes: Uint8Array): void {
  writeBytes(isValidUtf8(bytes) ? 3 : 2, bytes);
}

/** `isUtf8`, with short ASCII strings (keys, names) checked here: a native call costs more. */
function isValidUtf8(bytes: Uint8Array): boolean {
  if (bytes.length > 64) return isUtf8(bytes);
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return isUtf8(bytes);
  return true;
}

/** `__jsontype` of the table's metatable: ARRAY, OBJECT or undefined. */
function forcedKind(t: Table): Uint8Array | undefined {
  const mt = t.metatable;
  if (mt === null) return undefined;
  const entry = mt.strong.get(JSONTYPE_HASH);
  if (entry === undefined) return undefined;
  const { type, value } = entry.value;
  if (type !== T_SHRSTR && type !== T_LNGSTR) return undefined;
  const s = (value as { realstring: Uint8Array }).realstring;
  if (equalBytes(s, ARRAY)) return ARRAY;
  if (equalBytes(s, OBJECT)) return OBJECT;
  return undefined;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const keyText = new TextEncoder();

/** A map key's bytes: strings as they are (UTF-8 only), numbers in their string form. */
function keyBytes(key: TValue): Uint8Array {
  if (key.type === T_SHRSTR || key.type === T_LNGSTR) {
    const bytes = (key.value as { realstring: Uint8Array }).realstring;
    if (!isValidUtf8(bytes)) throw new NljsonError('object key is not valid UTF-8');
    return bytes;
  }
  if (key.type === T_NUMINT || key.type === T_NUMFLT) {
    return keyText.encode(String(key.value));
  }
  throw new NljsonError(`cannot use a ${typeName(key.type)} as an object key`);
}

function typeName(type: number): string {
  return TYPE_NAMES[type & 0x0f] ?? 'value';
}

/** Tables being written, outermost first: a table met again inside itself is a cycle. */
const path: Table[] = [];

function writeValue(tv: TValue, depth: number): void {
  switch (tv.type) {
    case T_NIL:
      ensure(1);
      out[pos++] = 0xf6;
      return;
    case T_BOOLEAN:
      ensure(1);
      out[pos++] = tv.value ? 0xf5 : 0xf4;
      return;
    case T_NUMINT:
    case T_NUMFLT:
      writeNumber(tv.value as number);
      return;
    case T_SHRSTR:
    case T_LNGSTR:
      writeString((tv.value as { realstring: Uint8Array }).realstring);
      return;
    case T_LIGHTUSERDATA:
      if (tv.value === JSON_NULL) {
        ensure(1);
        out[pos++] = 0xf6;
        return;
      }
      break;
    case T_TABLE:
      writeTable(tv.value as Table, depth + 1);
      return;
  }
  throw new NljsonError(`cannot encode a ${typeName(tv.type)}`);
}

function writeTable(t: Table, depth: number): void {
  if (depth > MAX_DEPTH) throw new NljsonError(`nesting too deep (more than ${MAX_DEPTH} levels)`);
  if (path.includes(t)) throw new NljsonError('cannot encode a table that contains itself');
  path.push(t);
  ensure(9);
  const forced = forcedKind(t);
  const count = t.strong.size;
  if (count === 0) {
    out[pos++] = forced === ARRAY ? 0x80 : 0xa0;
  } else if (forced !== OBJECT && isSequence(t, count)) {
    head(4, count);
    for (let i = 1; i <= count; i++) writeValue((t.strong.get(i) as Entry).value, depth);
  } else {
    // This map's entries take the slots from `base` up; maps nested in it go above them.
    const base = entryTop;
    for (let e = t.f; e !== undefined; e = e.n) {
      entryKeys[entryTop] = keyBytes(e.key);
      entryValues[entryTop] = e.value;
      entryTop++;
    }
    const end = entryTop;
    if (end > entriesUsed) entriesUsed = end;
    sortEntries(base, end);
    head(5, end - base);
    for (let i = base; i < end; i++) {
      writeBytes(3, entryKeys[i] as Uint8Array);
      writeValue(entryValues[i] as TValue, depth);
    }
    entryTop = base;
  }
  path.pop();
}

/**
 * Map entries being written, for every level at once (a stack), reused across calls: no array
 * per map on the path of every LAppS response. Cleared after each call so that they keep no
 * Lua value alive.
 */
const entryKeys: Array<Uint8Array | undefined> = [];
const entryValues: Array<TValue | undefined> = [];
let entryTop = 0;
let entriesUsed = 0;

/** Sorts the entries in [from, to) by key bytes: insertion sort for the usual few keys. */
function sortEntries(from: number, to: number): void {
  if (to - from > 16) {
    const sorted = entryKeys
      .slice(from, to)
      .map((key, i) => ({ key: key as Uint8Array, value: entryValues[from + i] as TValue }))
      .sort((a, b) => compareBytes(a.key, b.key));
    sorted.forEach((entry, i) => {
      entryKeys[from + i] = entry.key;
      entryValues[from + i] = entry.value;
    });
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const key = entryKeys[i] as Uint8Array;
    const value = entryValues[i] as TValue;
    let j = i - 1;
    while (j >= from && compareBytes(entryKeys[j] as Uint8Array, key) > 0) {
      entryKeys[j + 1] = entryKeys[j];
      entryValues[j + 1] = entryValues[j];
      j--;
    }
    entryKeys[j + 1] = key;
    entryValues[j + 1] = value;
  }
}

function clearEntries(): void {
  for (let i = 0; i < entriesUsed; i++) {
    entryKeys[i] = undefined;
    entryValues[i] = undefined;
  }
  entryTop = 0;
  entriesUsed = 0;
}

/** Whether the table's keys are exactly the integers 1..count. */
function isSequence(t: Table, count: number): boolean {
  for (let i = 1; i <= count; i++) if (!t.strong.has(i)) return false;
  return true;
}

/**
 * The CBOR encoding of the Lua value at `idx` (a buffer the caller owns; small ones share Node's
 * pool, like every small Buffer). Throws
 * NljsonError for values nljson cannot encode; Lua errors pass through.
 */
export function luaToCbor(L: LuaState, idx: number): Uint8Array {
  pos = 0;
  entryTop = 0;
  try {
    const type = lua.lua_type(L, idx);
    if (type === lua.LUA_TNONE || type === lua.LUA_TNIL) out[pos++] = 0xf6;
    else if (type === lua.LUA_TTABLE) writeTable(lua.lua_topointer(L, idx) as Table, 1);
    else if (type === lua.LUA_TBOOLEAN) out[pos++] = lua.lua_toboolean(L, idx) ? 0xf5 : 0xf4;
    else if (type === lua.LUA_TNUMBER) {
      writeNumber(lua.lua_tonumber(L, idx) as number); // an integer converts exactly (32 bits)
    } else if (type === lua.LUA_TSTRING) writeString(lua.lua_tolstring(L, idx) as Uint8Array);
    else if (type === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, idx) === JSON_NULL) {
      out[pos++] = 0xf6;
    } else throw new NljsonError(`cannot encode a ${typeName(type)}`);
    // Copied out into Node's buffer pool: a fresh ArrayBuffer over 64 bytes costs 1-3 µs.
    const result = Buffer.allocUnsafe(pos);
    result.set(out.subarray(0, pos));
    return result;
  } finally {
    // Balanced after a success; after an error they hold what was open.
    if (path.length !== 0) path.length = 0;
    if (entriesUsed !== 0) clearEntries();
  }
}
