/**
 * What a module in another package (`cws`, `mqr`, `pam_auth`) needs to talk to Lua without
 * fengari's C-style API or its types: read arguments, return values, and define the module's Lua
 * side as Lua source that calls a table of JS functions. Modules keep their logic in Lua where it
 * calls back into Lua (callbacks, loops) and in JS where it touches the host.
 */
import { lauxlib, lua, to_luastring } from 'fengari';
import { pushBytes } from './lua-bytes.js';
import type { LuaState } from './module.js';

/** The JS values that map to one Lua value each (`null`/`undefined` are nil). */
export type LuaScalar = string | number | boolean | Uint8Array | null | undefined;

export type LuaArgType = 'nil' | 'boolean' | 'number' | 'string' | 'table' | 'function' | 'other';

/** A JS function callable from Lua: it reads its arguments from `L` and returns how many results. */
export type LuaFunction = (L: LuaState) => number;

// fengari's integers are 32-bit (they wrap silently): larger whole numbers go in as floats.
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Pushes one value: strings as UTF-8, Uint8Arrays as Lua strings without a copy. */
export function pushScalar(L: LuaState, value: LuaScalar): void {
  if (value === null || value === undefined) lua.lua_pushnil(L);
  else if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value));
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
      lua.lua_pushinteger(L, value);
    } else lua.lua_pushnumber(L, value);
  } else pushBytes(L, value);
}

/**
 * Pushes `values` and returns their count: `return returnValues(L, false, 'queue full')`.
 */
export function returnValues(L: LuaState, ...values: LuaScalar[]): number {
  for (const value of values) pushScalar(L, value);
  return values.length;
}

/** The type of argument `i` (1-based); a missing argument is 'nil'. */
export function argType(L: LuaState, i: number): LuaArgType {
  switch (lua.lua_type(L, i)) {
    case lua.LUA_TNONE:
    case lua.LUA_TNIL:
      return 'nil';
    case lua.LUA_TBOOLEAN:
      return 'boolean';
    case lua.LUA_TNUMBER:
      return 'number';
    case lua.LUA_TSTRING:
      return 'string';
    case lua.LUA_TTABLE:
      return 'table';
    case lua.LUA_TFUNCTION:
      return 'function';
    default:
      return 'other';
  }
}

/** Argument `i` as bytes when it is a string (no copy, read-only), else undefined. */
export function argBytes(L: LuaState, i: number): Uint8Array | undefined {
  return lua.lua_type(L, i) === lua.LUA_TSTRING
    ? (lua.lua_tolstring(L, i) ?? undefined)
    : undefined;
}

const decoder = new TextDecoder();

/** Argument `i` decoded as UTF-8 when it is a string, else undefined. */
export function argString(L: LuaState, i: number): string | undefined {
  const bytes = argBytes(L, i);
  return bytes === undefined ? undefined : decoder.decode(bytes);
}

/** Argument `i` when it is a number, else undefined. */
export function argNumber(L: LuaState, i: number): number | undefined {
  if (lua.lua_type(L, i) !== lua.LUA_TNUMBER) return undefined;
  const value = lua.lua_tonumber(L, i);
  return value === false ? undefined : value;
}

/** Argument `i` when it is a boolean, else undefined. */
export function argBoolean(L: LuaState, i: number): boolean | undefined {
  return lua.lua_type(L, i) === lua.LUA_TBOOLEAN ? lua.lua_toboolean(L, i) : undefined;
}

/**
 * Runs the Lua `source` of a module with one argument, a table of `functions`, and leaves the
 * chunk's result (the module's value) on the stack of `L`: call it from `LuaModule.open`.
 * The chunk is named `=[name]` in error messages and tracebacks. Throws if the source does not
 * compile or fails while running: a bug of the module, found by its tests.
 *
 * @example
 * open(L, context) {
 *   loadModuleChunk(L, 'cws', CWS_LUA, { send: (S) => ..., wait: (S) => context.suspend(S, ...) });
 * }
 */
export function loadModuleChunk(
  L: LuaState,
  name: string,
  source: string,
  functions: Readonly<Record<string, LuaFunction>>,
): void {
  const code = to_luastring(source);
  const status = lauxlib.luaL_loadbufferx(
    L,
    code,
    code.length,
    to_luastring(`=[${name}]`),
    to_luastring('t'),
  );
  if (status !== lua.LUA_OK) {
    const message = lua.lua_tolstring(L, -1);
    lua.lua_settop(L, -2);
    throw new Error(
      `module ${name}: ${message === null ? 'load failed' : decoder.decode(message)}`,
    );
  }
  const names = Object.keys(functions);
  lua.lua_createtable(L, 0, names.length);
  for (const key of names) {
    lua.lua_pushcfunction(L, functions[key]!);
    lua.lua_setfield(L, -2, to_luastring(key));
  }
  lua.lua_call(L, 1, 1);
}
