/**
 * Conversions between Lua values on a fengari stack and a small JS value model, and a JSON writer
 * for that model. Used by the nljson module; the model is also what cbor-x encodes and decodes.
 *
 * Failures are thrown as {@link NljsonError} (a JS `Error`); the module turns them into Lua errors.
 * Lua errors raised by the fengari API (e.g. stack overflow) are not `Error`s and pass through.
 */
import type { LuaState } from '../module.js';
import { fengari, type LuaString } from './nljson-fengari.js';
import { pushKeyText } from '../lua-bytes.js';

const { lua, lauxlib, to_jsstring } = fengari;

/** The deepest nesting of tables / JSON containers that nljson converts. */
export const MAX_DEPTH = 512;
/** The largest JSON text or CBOR item that `decode` / `from_cbor` accept. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** The value of `nljson.null`: a light userdata, the same in every state. */
export const JSON_NULL: object = Object.freeze({ nljson: 'null' });
/** The registry key (light userdata) of the per-state array metatable `nljson.array_mt`. */
export const ARRAY_MT_KEY: object = Object.freeze({ nljson: 'array_mt' });
/**
 * The same metatable at an integer registry slot, for the hot path: fengari hashes a light
 * userdata key through a WeakMap on every lookup, an integer key is its own hash. Negative, so
 * that `luaL_ref` (which hands out positive slots) never takes it.
 */
export const ARRAY_MT_SLOT = -0x4c41;

export class NljsonError extends Error {
  override readonly name = 'NljsonError';
}

/** The JS side: objects are Maps (ordered keys), binary strings Uint8Arrays. */
export type JsValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | JsValue[]
  | Map<string, JsValue>;

export type Target = 'json' | 'cbor';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;
const STACK_MSG = fengari.to_luastring('nljson');

/** The text of UTF-8 bytes, or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && bytes.length < 64) return String.fromCharCode(...bytes);
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function encodeUtf8(text: string): Uint8Array {
  if (LONE_SURROGATE.test(text)) throw new NljsonError('string has an unpaired UTF-16 surrogate');
  return utf8Encoder.encode(text);
}

function typeName(L: LuaState, t: number): string {
  return to_jsstring(lua.lua_typename(L, t));
}

/** Whether the value at `idx` is `nljson.null`. */
export function isNullSentinel(L: LuaState, idx: number): boolean {
  return (
    lua.lua_type(L, idx) === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, idx) === JSON_NULL
  );
}

/** `__jsontype` of the table's metatable: 'array', 'object' or undefined. */
function forcedKind(L: LuaState, idx: number): 'array' | 'object' | undefined {
  if (!lua.lua_getmetatable(L, idx)) return undefined;
  lua.lua_pushliteral(L, '__jsontype');
  lua.lua_rawget(L, -2);
  let kind: 'array' | 'object' | undefined;
  if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
    const s = to_jsstring(lua.lua_tolstring(L, -1) as LuaString);
    if (s === 'array' || s === 'object') kind = s;
  }
  lua.lua_pop(L, 2);
  return kind;
}

/**
 * Whether the table at `idx` is a JSON array: its keys are exactly 1..n (n > 0), or it is empty
 * and its metatable says `__jsontype = 'array'`. `__jsontype = 'object'` makes it an object.
 * Returns the length for arrays, -1 for objects.
 */
export function arrayLength(L: LuaState, idx: number): number {
  idx = lua.lua_absindex(L, idx);
  const forced = forcedKind(L, idx);
  if (forced === 'object') return -1;
  let count = 0;
  let max = 0;
  let sequence = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, idx) !== 0) {
    count++;
    if (sequence) {
      if (lua.lua_type(L, -2) === lua.LUA_TNUMBER && lua.lua_isinteger(L, -2)) {
        const k = lua.lua_tointeger(L, -2);
        if (k < 1) sequence = false;
        else if (k > max) max = k;
      } else sequence = false;
    }
    lua.lua_pop(L, 1);
  }
  if (count === 0) return forced === 'array' ? 0 : -1;
  return sequence && max === count ? count : -1;
}

function keyString(L: LuaState, idx: number, target: Target): string {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TSTRING) {
    const text = decodeUtf8(lua.lua_tolstring(L, idx) as LuaString);
    if (text === undefined) throw new NljsonError('object key is not valid UTF-8');
    return text;
  }
  if (t === lua.LUA_TNUMBER) {
    const n = lua.lua_isinteger(L, idx) ? lua.lua_tointeger(L, idx) : lua.lua_tonumber(L, idx);
    if (target === 'json' && !Number.isFinite(n)) {
      throw new NljsonError('cannot encode NaN or infinity as JSON');
    }
    return String(n);
  }
  throw new NljsonError(`cannot use a ${typeName(L, t)} as an object key`);
}

/**
 * Converts the Lua value at `idx` to the JS model. Tables whose keys are exactly 1..n become
 * arrays; other tables become objects with sorted keys (number keys in their string form).
 * Strings that are not valid UTF-8 are an error for JSON and byte strings for CBOR.
 */
export function luaToJs(L: LuaState, idx: number, target: Target): JsValue {
  return toJs(L, lua.lua_absindex(L, idx), target, 0, new Set());
}

function toJs(
  L: LuaState,
  idx: number,
  target: Target,
  depth: number,
  path: Set<unknown>,
): JsValue {
  const t = lua.lua_type(L, idx);
  switch (t) {
    case lua.LUA_TNONE:
    case lua.LUA_TNIL:
      return null;
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, idx);
    case lua.LUA_TNUMBER: {
      const n = lua.lua_isinteger(L, idx) ? lua.lua_tointeger(L, idx) : lua.lua_tonumber(L, idx);
      if (target === 'json' && !Number.isFinite(n)) {
        throw new NljsonError('cannot encode NaN or infinity as JSON');
      }
      return n;
    }
    case lua.LUA_TSTRING: {
      const bytes = lua.lua_tolstring(L, idx) as LuaString;
      const text = decodeUtf8(bytes);
      if (text !== undefined) return text;
      if (target === 'json') throw new NljsonError('string is not valid UTF-8');
      return bytes;
    }
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, idx) === JSON_NULL) return null;
      break;
    case lua.LUA_TTABLE:
      return tableToJs(L, idx, target, depth + 1, path);
  }
  throw new NljsonError(`cannot encode a ${typeName(L, t)}`);
}

function tableToJs(
  L: LuaState,
  idx: number,
  target: Target,
  depth: number,
  path: Set<unknown>,
): JsValue {
  if (depth > MAX_DEPTH) throw new NljsonError(`nesting too deep (more than ${MAX_DEPTH} levels)`);
  const self = lua.lua_topointer(L, idx);
  if (path.has(self)) throw new NljsonError('cannot encode a table that contains itself');
  path.add(self);
  lauxlib.luaL_checkstack(L, 4, STACK_MSG);
  const n = arrayLength(L, idx);
  let result: JsValue;
  if (n >= 0) {
    const arr: JsValue[] = new Array(n);
    for (let i = 1; i <= n; i++) {
      lua.lua_rawgeti(L, idx, i);
      arr[i - 1] = toJs(L, lua.lua_gettop(L), target, depth, path);
      lua.lua_pop(L, 1);
    }
    result = arr;
  } else {
    const entries: [string, JsValue][] = [];
    lua.lua_pushnil(L);
    while (lua.lua_next(L, idx) !== 0) {
      const top = lua.lua_gettop(L);
      entries.push([keyString(L, top - 1, target), toJs(L, top, target, depth, path)]);
      lua.lua_pop(L, 1);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    result = new Map(entries);
  }
  path.delete(self);
  return result;
}

const UNPAIRED = 'string has an unpaired UTF-16 surrogate';

function pushKey(L: LuaState, key: unknown): void {
  if (typeof key === 'string') {
    if (!pushKeyText(L, key)) throw new NljsonError(UNPAIRED);
  } else if (typeof key === 'number' || typeof key === 'bigint') {
    const n = Number(key);
    if (Number.isNaN(n)) throw new NljsonError('a map key is NaN');
    pushNumber(L, n);
  } else if (typeof key === 'boolean') lua.lua_pushboolean(L, key);
  else if (key instanceof Uint8Array) lua.lua_pushstring(L, new Uint8Array(key));
  else throw new NljsonError('unsupported map key (only strings, numbers and booleans)');
}

function pushNumber(L: LuaState, n: number): void {
  if (Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff && !Object.is(n, -0)) {
    lua.lua_pushinteger(L, n);
  } else lua.lua_pushnumber(L, n);
}

/**
 * Pushes a JS value (from JSON.parse or cbor-x) as a Lua value. null/undefined: `nljson.null` in
 * arrays, dropped in objects, nil at the top. Arrays get the array metatable.
 */
export function pushJs(L: LuaState, value: unknown): void {
  if (lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ARRAY_MT_SLOT) !== lua.LUA_TTABLE) {
    lua.lua_pop(L, 1);
    lua.lua_rawgetp(L, lua.LUA_REGISTRYINDEX, ARRAY_MT_KEY);
  }
  const mt = lua.lua_gettop(L);
  push(L, value, 0, mt, false);
  lua.lua_remove(L, mt);
}

function push(L: LuaState, v: unknown, depth: number, mt: number, inArray: boolean): void {
  if (v === null || v === undefined) {
    if (inArray) lua.lua_pushlightuserdata(L, JSON_NULL);
    else lua.lua_pushnil(L);
    return;
  }
  switch (typeof v) {
    case 'boolean':
      lua.lua_pushboolean(L, v);
      return;
    case 'number':
      pushNumber(L, v);
      return;
    case 'bigint':
      lua.lua_pushnumber(L, Number(v));
      return;
    case 'string':
      // Short strings (method names, enum-like values) repeat like keys: from the same cache.
      if (!pushKeyText(L, v)) throw new NljsonError(UNPAIRED);
      return;
  }
  if (v instanceof Uint8Array) {
    lua.lua_pushstring(L, new Uint8Array(v));
    return;
  }
  if (v instanceof Date) {
    lua.lua_pushnumber(L, v.getTime() / 1000);
    return;
  }
  depth++;
  if (depth > MAX_DEPTH) throw new NljsonError(`nesting too deep (more than ${MAX_DEPTH} levels)`);
  lauxlib.luaL_checkstack(L, 4, STACK_MSG);
  if (Array.isArray(v)) {
    lua.lua_createtable(L, v.length, 0);
    for (let i = 0; i < v.length; i++) {
      push(L, v[i], depth, mt, true);
      lua.lua_rawseti(L, -2, i + 1);
    }
    lua.lua_pushvalue(L, mt);
    lua.lua_setmetatable(L, -2);
    return;
  }
  if (v instanceof Map) {
    lua.lua_createtable(L, 0, v.size);
    for (const [k, item] of v) {
      if (item === null || item === undefined) continue;
      pushKey(L, k);
      push(L, item, depth, mt, false);
      lua.lua_rawset(L, -3);
    }
    return;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Object.prototype || proto === null) {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    lua.lua_createtable(L, 0, keys.length);
    for (const k of keys) {
      const item = obj[k];
      if (item === null || item === undefined) continue;
      if (!pushKeyText(L, k)) throw new NljsonError(UNPAIRED);
      push(L, item, depth, mt, false);
      lua.lua_rawset(L, -3);
    }
    return;
  }
  const tag = (v as { tag?: unknown }).tag;
  if (typeof tag === 'number') throw new NljsonError(`unsupported CBOR tag ${tag}`);
  throw new NljsonError('unsupported CBOR value');
}

function writeString(s: string): string {
  return JSON.stringify(s);
}

/** Writes the model as JSON text: compact when `indent` is 0, otherwise pretty. */
export function writeJson(value: JsValue, indent: number): string {
  const out: string[] = [];
  write(value, out, indent, '');
  return out.join('');
}

function write(v: JsValue, out: string[], indent: number, pad: string): void {
  if (v === null) out.push('null');
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'number') out.push(JSON.stringify(v));
  else if (typeof v === 'string') out.push(writeString(v));
  else if (v instanceof Uint8Array) throw new NljsonError('string is not valid UTF-8');
  else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[]');
      return;
    }
    const inner = indent > 0 ? pad + ' '.repeat(indent) : '';
    out.push(indent > 0 ? `[\n${inner}` : '[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(indent > 0 ? `,\n${inner}` : ',');
      write(v[i] as JsValue, out, indent, inner);
    }
    out.push(indent > 0 ? `\n${pad}]` : ']');
  } else {
    if (v.size === 0) {
      out.push('{}');
      return;
    }
    const inner = indent > 0 ? pad + ' '.repeat(indent) : '';
    out.push(indent > 0 ? `{\n${inner}` : '{');
    let first = true;
    for (const [k, item] of v) {
      if (!first) out.push(indent > 0 ? `,\n${inner}` : ',');
      first = false;
      out.push(writeString(k), indent > 0 ? ': ' : ':');
      write(item, out, indent, inner);
    }
    out.push(indent > 0 ? `\n${pad}}` : '}');
  }
}
