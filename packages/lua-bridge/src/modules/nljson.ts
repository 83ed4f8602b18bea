/**
 * `nljson`: JSON and CBOR for Lua services (LAppS 0.9 wrapped nlohmann::json in a userdata).
 *
 * Values are plain Lua values, not userdata (ours): `decode`/`from_cbor` return tables, strings,
 * numbers and booleans, and `encode`/`to_cbor` take them.
 * - JSON objects are tables with string keys; arrays are sequences 1..n that carry the metatable
 *   `nljson.array_mt` (`__jsontype = 'array'`), so an empty array stays `[]` on the way back.
 * - null: dropped from objects (reads as nil, as in the original); in arrays it is the light userdata
 *   `nljson.null` so that arrays keep their length; a top-level null is nil. `encode(nljson.null)`
 *   and `encode(nil)` give `null`.
 * - encode: a table whose keys are exactly 1..n is an array; any other table, and an empty table
 *   without `__jsontype = 'array'`, is an object (`{}`, the nlohmann default). A metatable field
 *   `__jsontype = 'object' | 'array'` forces the kind. Object keys are sorted (as nlohmann's
 *   std::map); number keys are written in their string form; other key types, functions, userdata
 *   and threads are errors ("cannot encode a function"); so are NaN/infinity in JSON and tables
 *   that contain themselves.
 * - `encode_pretty(value[, indent = 2])`: indent 1..16 spaces (LAppS 0.9 default 2).
 * - Strings: JSON text must be UTF-8 ("string is not valid UTF-8"); to_cbor writes UTF-8 strings as
 *   text and other strings as byte strings; from_cbor returns both as Lua strings of those bytes.
 * - Numbers: fengari integers are 32-bit, so integers outside int32 decode as floats; floats with
 *   integral values are written as integers. JSON integers beyond 2^53 lose precision.
 * - Limits: nesting deeper than 512 and inputs over 64 MiB raise Lua errors; malformed JSON/CBOR
 *   raises a Lua error naming the function.
 * - `find(v, key)` → rawget or nil; `foreach(t, fn)` calls fn(key, value) (arrays in order, objects
 *   in unspecified order; entries erased by fn are skipped); `traverse(t, fn)` walks depth-first,
 *   parents before children, calling fn(pointer, value, key) where pointer is an RFC 6901 JSON
 *   Pointer from `t` ("/a/0/b": array indices 0-based as in nlohmann's flatten(), key is the Lua
 *   key, 1-based); `erase(t, key)` removes (shifting arrays down) and returns true/false;
 *   `empty(v)` is true for nil, null, `{}` and `''`; `typename(v)` gives 'null' | 'boolean' |
 *   'number' | 'string' | 'binary' (a string that is not UTF-8) | 'array' | 'object', or the Lua
 *   type name for other values. Callbacks cannot yield.
 */
import type { LuaModule, LuaState } from '../module.js';
import {
  ARRAY_MT_KEY,
  ARRAY_MT_SLOT,
  arrayLength,
  decodeUtf8,
  encodeUtf8,
  isNullSentinel,
  JSON_NULL,
  luaToJs,
  MAX_DEPTH,
  MAX_INPUT_BYTES,
  NljsonError,
  pushJs,
  writeJson,
} from './nljson-convert.js';
import { pushCborValue } from './cbor-to-lua.js';
import { luaToCbor } from './nljson-cbor-write.js';
import { pushBytes } from '../lua-bytes.js';
import { type JsFunction, fengari } from './nljson-fengari.js';

const { lua, lauxlib, to_luastring, to_jsstring } = fengari;

const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Raises a Lua error with the caller's position, like luaL_error (without format directives). */
function raise(L: LuaState, message: string): never {
  lauxlib.luaL_where(L, 1);
  lua.lua_pushstring(L, to_luastring(message));
  lua.lua_concat(L, 2);
  return lua.lua_error(L);
}

/** Runs JS work; a JS `Error` becomes a Lua error "<what>: <message>". Lua errors pass through. */
function guarded<T>(L: LuaState, what: string, work: () => T): T {
  let message: string;
  try {
    return work();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    message = `${what}: ${e.message}`;
  }
  return raise(L, message);
}

function checkSize(bytes: Uint8Array): void {
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new NljsonError(`input larger than ${MAX_INPUT_BYTES} bytes`);
  }
}

const decode: JsFunction = (L) => {
  const bytes = lauxlib.luaL_checklstring(L, 1);
  guarded(L, 'nljson.decode', () => {
    checkSize(bytes);
    const text = decodeUtf8(bytes);
    if (text === undefined) throw new NljsonError('JSON text is not valid UTF-8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new NljsonError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    pushJs(L, parsed);
  });
  return 1;
};

function encodeWith(L: LuaState, what: string, indent: number): number {
  const text = guarded(L, what, () => writeJson(luaToJs(L, 1, 'json'), indent));
  lua.lua_pushstring(L, encodeUtf8(text));
  return 1;
}

const encode: JsFunction = (L) => {
  lauxlib.luaL_checkany(L, 1);
  return encodeWith(L, 'nljson.encode', 0);
};

const encodePretty: JsFunction = (L) => {
  lauxlib.luaL_checkany(L, 1);
  const indent = lauxlib.luaL_optinteger(L, 2, 2);
  if (indent < 1 || indent > 16) {
    lauxlib.luaL_argerror(L, 2, to_luastring('indent must be 1..16'));
  }
  return encodeWith(L, 'nljson.encode_pretty', indent);
};

const toCbor: JsFunction = (L) => {
  lauxlib.luaL_checkany(L, 1);
  const bytes = guarded(L, 'nljson.to_cbor', () => luaToCbor(L, 1));
  pushBytes(L, bytes);
  return 1;
};

/**
 * Pushes the Lua value of a CBOR item, as `nljson.from_cbor` builds it (for modules that carry
 * values as CBOR, such as mqr). The caller gives up `bytes` (the value's strings may be views of
 * them): they must not change afterwards. Throws an Error naming what is wrong with the bytes.
 */
export function pushCbor(L: LuaState, bytes: Uint8Array): void {
  checkSize(bytes);
  pushCborValue(L, bytes, MAX_DEPTH);
}

const fromCbor: JsFunction = (L) => {
  const bytes = lauxlib.luaL_checklstring(L, 1);
  guarded(L, 'nljson.from_cbor', () => pushCbor(L, bytes));
  return 1;
};

const find: JsFunction = (L) => {
  if (lua.lua_type(L, 1) !== lua.LUA_TTABLE || lua.lua_type(L, 2) === lua.LUA_TNIL) {
    lua.lua_pushnil(L);
    return 1;
  }
  lua.lua_pushvalue(L, 2);
  lua.lua_rawget(L, 1);
  return 1;
};

/**
 * Calls `each(L, key)` with the entry's key at the top of the stack, then its value, for every
 * entry of the table at `t`: arrays by index, objects over a snapshot of their keys. Entries that
 * are gone by the time they are reached are skipped. Leaves the stack as it found it.
 */
function forEntries(L: LuaState, t: number, each: (isArray: boolean, key: number) => void): void {
  lauxlib.luaL_checkstack(L, 8, to_luastring('nljson'));
  const n = arrayLength(L, t);
  if (n >= 0) {
    for (let i = 1; i <= n; i++) {
      lua.lua_pushinteger(L, i);
      lua.lua_rawgeti(L, t, i);
      if (lua.lua_type(L, -1) !== lua.LUA_TNIL) each(true, i);
      lua.lua_pop(L, 2);
    }
    return;
  }
  lua.lua_createtable(L, 0, 0);
  const keys = lua.lua_gettop(L);
  let count = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t) !== 0) {
    lua.lua_pop(L, 1);
    lua.lua_pushvalue(L, -1);
    lua.lua_rawseti(L, keys, ++count);
  }
  for (let i = 1; i <= count; i++) {
    lua.lua_rawgeti(L, keys, i);
    lua.lua_pushvalue(L, -1);
    lua.lua_rawget(L, t);
    if (lua.lua_type(L, -1) !== lua.LUA_TNIL) each(false, i);
    lua.lua_pop(L, 2);
  }
  lua.lua_pop(L, 1);
}

const foreach: JsFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  forEntries(L, 1, () => {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    lua.lua_call(L, 2, 0);
  });
  return 0;
};

function pointerSegment(L: LuaState, idx: number, isArray: boolean): string {
  let segment: string;
  const t = lua.lua_type(L, idx);
  if (isArray) segment = String(lua.lua_tointeger(L, idx) - 1);
  else if (t === lua.LUA_TSTRING) {
    segment = lenientUtf8.decode(lua.lua_tolstring(L, idx) as Uint8Array);
  } else if (t === lua.LUA_TNUMBER) {
    segment = String(
      lua.lua_isinteger(L, idx) ? lua.lua_tointeger(L, idx) : lua.lua_tonumber(L, idx),
    );
  } else segment = `<${to_jsstring(lua.lua_typename(L, t))}>`;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const traverse: JsFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  const path = new Set<unknown>();
  const visit = (t: number, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH)
      raise(L, `nljson.traverse: nesting too deep (more than ${MAX_DEPTH} levels)`);
    const self = lua.lua_topointer(L, t);
    if (path.has(self)) raise(L, 'nljson.traverse: the table contains itself');
    path.add(self);
    forEntries(L, t, (isArray) => {
      const pointer = `${prefix}/${pointerSegment(L, -2, isArray)}`;
      lua.lua_pushvalue(L, 2);
      lua.lua_pushstring(L, encodeUtf8(pointer));
      lua.lua_pushvalue(L, -3);
      lua.lua_pushvalue(L, -5);
      lua.lua_call(L, 3, 0);
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) visit(lua.lua_gettop(L), pointer, depth + 1);
    });
    path.delete(self);
  };
  visit(1, '', 1);
  return 0;
};

const erase: JsFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checkany(L, 2);
  if (lua.lua_type(L, 2) === lua.LUA_TNIL) {
    lua.lua_pushboolean(L, false);
    return 1;
  }
  lua.lua_pushvalue(L, 2);
  if (lua.lua_rawget(L, 1) === lua.LUA_TNIL) {
    lua.lua_pushboolean(L, false);
    return 1;
  }
  lua.lua_pop(L, 1);
  const n = arrayLength(L, 1);
  const k = lua.lua_type(L, 2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, 2) : Number.NaN;
  if (n >= 0 && Number.isInteger(k) && k >= 1 && k <= n) {
    for (let i = k; i < n; i++) {
      lua.lua_rawgeti(L, 1, i + 1);
      lua.lua_rawseti(L, 1, i);
    }
    lua.lua_pushnil(L);
    lua.lua_rawseti(L, 1, n);
  } else {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnil(L);
    lua.lua_rawset(L, 1);
  }
  lua.lua_pushboolean(L, true);
  return 1;
};

const empty: JsFunction = (L) => {
  const t = lua.lua_type(L, 1);
  let result = false;
  if (t === lua.LUA_TNONE || t === lua.LUA_TNIL || isNullSentinel(L, 1)) result = true;
  else if (t === lua.LUA_TSTRING) result = lua.lua_rawlen(L, 1) === 0;
  else if (t === lua.LUA_TTABLE) {
    lua.lua_pushnil(L);
    if (lua.lua_next(L, 1) === 0) result = true;
    else lua.lua_pop(L, 2);
  }
  lua.lua_pushboolean(L, result);
  return 1;
};

const typename: JsFunction = (L) => {
  const t = lua.lua_type(L, 1);
  let name: string;
  if (t === lua.LUA_TNONE || t === lua.LUA_TNIL || isNullSentinel(L, 1)) name = 'null';
  else if (t === lua.LUA_TBOOLEAN) name = 'boolean';
  else if (t === lua.LUA_TNUMBER) name = 'number';
  else if (t === lua.LUA_TSTRING) {
    name = decodeUtf8(lua.lua_tolstring(L, 1) as Uint8Array) === undefined ? 'binary' : 'string';
  } else if (t === lua.LUA_TTABLE) name = arrayLength(L, 1) >= 0 ? 'array' : 'object';
  else name = to_jsstring(lua.lua_typename(L, t));
  lua.lua_pushstring(L, to_luastring(name));
  return 1;
};

const functions: Record<string, JsFunction> = {
  decode,
  encode,
  encode_pretty: encodePretty,
  to_cbor: toCbor,
  from_cbor: fromCbor,
  find,
  foreach,
  traverse,
  erase,
  empty,
  typename,
};

/** Pushes the per-state array metatable (`{ __jsontype = 'array' }`), creating it once. */
function pushArrayMetatable(L: LuaState): void {
  if (lua.lua_rawgetp(L, lua.LUA_REGISTRYINDEX, ARRAY_MT_KEY) === lua.LUA_TTABLE) return;
  lua.lua_pop(L, 1);
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, to_luastring('array'));
  lua.lua_setfield(L, -2, to_luastring('__jsontype'));
  lua.lua_pushvalue(L, -1);
  lua.lua_rawsetp(L, lua.LUA_REGISTRYINDEX, ARRAY_MT_KEY);
  lua.lua_pushvalue(L, -1);
  lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, ARRAY_MT_SLOT);
}

/** The `nljson` module: JSON and CBOR over plain Lua values (see the comment at the top). */
export const nljsonModule: LuaModule = {
  name: 'nljson',
  open(L) {
    pushArrayMetatable(L);
    lua.lua_createtable(L, 0, Object.keys(functions).length + 2);
    for (const [name, fn] of Object.entries(functions)) {
      lua.lua_pushjsfunction(L, fn);
      lua.lua_setfield(L, -2, to_luastring(name));
    }
    lua.lua_pushlightuserdata(L, JSON_NULL);
    lua.lua_setfield(L, -2, to_luastring('null'));
    lua.lua_pushvalue(L, -2);
    lua.lua_setfield(L, -2, to_luastring('array_mt'));
    lua.lua_remove(L, -2);
  },
};
