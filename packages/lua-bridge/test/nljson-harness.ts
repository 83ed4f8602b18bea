/** A bare fengari state with `nljson` as a global, and helpers to run Lua chunks in it. */
import type { LuaModuleContext, LuaState } from '../src/module.js';
import { nljsonModule } from '../src/modules/nljson.js';
import { fengari } from '../src/modules/nljson-fengari.js';

const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;

export const stubContext: LuaModuleContext = {
  service: 't',
  instance: 0,
  log() {},
  suspend() {
    throw new Error('no');
  },
};

export interface Harness {
  readonly L: LuaState;
  /** Runs a chunk and returns its first result (strings as JS text, nil as null). */
  run(code: string): unknown;
  /** Runs a chunk and returns its first result, which must be a string, as raw bytes. */
  runBytes(code: string): Uint8Array;
  /** Runs a chunk that must fail and returns the error message. */
  runError(code: string): string;
  /** Sets a global string from bytes. */
  setBytes(name: string, bytes: Uint8Array): void;
}

export function createHarness(): Harness {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const before = lua.lua_gettop(L);
  nljsonModule.open(L, stubContext);
  if (lua.lua_gettop(L) !== before + 1) throw new Error('open must push exactly one value');
  lua.lua_setglobal(L, to_luastring('nljson'));

  const exec = (code: string): number => {
    const top = lua.lua_gettop(L);
    const status = lauxlib.luaL_dostring(L, to_luastring(code));
    if (status !== lua.LUA_OK) {
      const message = lua.lua_tolstring(L, -1);
      lua.lua_settop(L, top);
      throw new LuaFailure(message === null ? '(no message)' : to_jsstring(message));
    }
    return top;
  };
  const first = (top: number): unknown => {
    const idx = top + 1;
    let value: unknown = null;
    switch (lua.lua_type(L, idx)) {
      case lua.LUA_TBOOLEAN:
        value = lua.lua_toboolean(L, idx);
        break;
      case lua.LUA_TNUMBER:
        value = lua.lua_tonumber(L, idx);
        break;
      case lua.LUA_TSTRING:
        value = to_jsstring(lua.lua_tolstring(L, idx) as Uint8Array);
        break;
      case lua.LUA_TNIL:
      case lua.LUA_TNONE:
        value = null;
        break;
      default:
        value = `<${to_jsstring(lua.lua_typename(L, lua.lua_type(L, idx)))}>`;
    }
    lua.lua_settop(L, top);
    return value;
  };
  return {
    L,
    run: (code) => first(exec(code)),
    runBytes(code) {
      const top = exec(code);
      const bytes = lua.lua_tolstring(L, top + 1);
      if (bytes === null) throw new Error('the chunk did not return a string');
      const copy = new Uint8Array(bytes);
      lua.lua_settop(L, top);
      return copy;
    },
    runError(code) {
      try {
        exec(code);
      } catch (e) {
        if (e instanceof LuaFailure) return e.message;
        throw e;
      }
      throw new Error('the chunk did not fail');
    },
    setBytes(name, bytes) {
      lua.lua_pushstring(L, new Uint8Array(bytes));
      lua.lua_setglobal(L, to_luastring(name));
    },
  };
}

export class LuaFailure extends Error {
  override readonly name = 'LuaFailure';
}
