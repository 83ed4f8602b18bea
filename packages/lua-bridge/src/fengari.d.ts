/**
 * The slice of fengari 0.1.5 the bridge uses. fengari ships no types; these follow its C-API
 * mirror (`lua_*`, `luaL_*`). Lua strings are `Uint8Array`s; a `LuaState` is opaque here.
 */
declare module 'fengari' {
  type State = object;
  type LuaString = Uint8Array;
  type JsFunction = (L: State) => number;
  type Hook = (L: State, ar: object) => void;

  export function to_luastring(s: string): LuaString;
  export function to_jsstring(s: LuaString): string;

  export const lua: {
    readonly LUA_OK: 0;
    readonly LUA_YIELD: 1;
    readonly LUA_ERRRUN: 2;
    readonly LUA_REGISTRYINDEX: number;
    readonly LUA_MASKCOUNT: number;
    readonly LUA_TNONE: -1;
    readonly LUA_TNIL: 0;
    readonly LUA_TBOOLEAN: 1;
    readonly LUA_TLIGHTUSERDATA: 2;
    readonly LUA_TNUMBER: 3;
    readonly LUA_TSTRING: 4;
    readonly LUA_TTABLE: 5;
    readonly LUA_TFUNCTION: 6;
    readonly LUA_MULTRET: -1;
    lua_atnativeerror(L: State, f: JsFunction): JsFunction | null;
    lua_call(L: State, nargs: number, nresults: number): void;
    lua_pcall(L: State, nargs: number, nresults: number, errfunc: number): number;
    lua_createtable(L: State, narr: number, nrec: number): void;
    lua_error(L: State): number;
    lua_getfield(L: State, idx: number, k: LuaString | string): number;
    lua_getglobal(L: State, name: LuaString | string): number;
    lua_gettop(L: State): number;
    lua_isyieldable(L: State): boolean;
    lua_newthread(L: State): State;
    lua_pushboolean(L: State, b: boolean | number): void;
    lua_pushcfunction(L: State, f: JsFunction): void;
    lua_pushcclosure(L: State, f: JsFunction, n: number): void;
    lua_upvalueindex(i: number): number;
    lua_setmetatable(L: State, idx: number): void;
    lua_pushinteger(L: State, n: number): void;
    lua_pushliteral(L: State, s: string): LuaString;
    lua_pushnil(L: State): void;
    lua_pushnumber(L: State, n: number): void;
    lua_pushstring(L: State, s: LuaString | string): LuaString;
    lua_pushvalue(L: State, idx: number): void;
    lua_remove(L: State, idx: number): void;
    lua_tocfunction(L: State, idx: number): JsFunction | null;
    lua_rawgeti(L: State, idx: number, n: number): number;
    lua_resume(L: State, from: State | null, nargs: number): number;
    lua_setfield(L: State, idx: number, k: LuaString | string): void;
    lua_setglobal(L: State, name: LuaString | string): void;
    lua_sethook(L: State, f: Hook | null, mask: number, count: number): void;
    lua_settop(L: State, idx: number): void;
    lua_rawequal(L: State, a: number, b: number): number;
    lua_xmove(from: State, to: State, n: number): void;
    lua_toboolean(L: State, idx: number): boolean;
    lua_tointeger(L: State, idx: number): number | false;
    lua_tolstring(L: State, idx: number): LuaString | null;
    lua_tonumber(L: State, idx: number): number | false;
    lua_touserdata(L: State, idx: number): unknown;
    lua_isinteger(L: State, idx: number): boolean;
    lua_topointer(L: State, idx: number): unknown;
    lua_type(L: State, idx: number): number;
    lua_typename(L: State, t: number): LuaString;
    lua_yield(L: State, n: number): number | undefined;
  };

  export const lauxlib: {
    luaL_argerror(L: State, arg: number, msg: LuaString | string): number;
    luaL_checkinteger(L: State, arg: number): number;
    luaL_checklstring(L: State, arg: number): LuaString;
    luaL_checknumber(L: State, arg: number): number;
    luaL_checktype(L: State, arg: number, t: number): void;
    luaL_error(L: State, fmt: LuaString, ...args: unknown[]): number;
    luaL_loadbufferx(
      L: State,
      buff: LuaString,
      size: number,
      name: LuaString,
      mode: LuaString | null,
    ): number;
    luaL_newstate(): State;
    luaL_optinteger(L: State, arg: number, def: number): number;
    luaL_ref(L: State, t: number): number;
    luaL_requiref(L: State, modname: LuaString, openf: JsFunction, glb: boolean | number): void;
    luaL_tolstring(L: State, idx: number): LuaString;
    luaL_traceback(L: State, L1: State, msg: LuaString | null, level: number): void;
  };

  export const lualib: {
    luaopen_base: JsFunction;
    luaopen_table: JsFunction;
    luaopen_string: JsFunction;
    luaopen_math: JsFunction;
    luaopen_coroutine: JsFunction;
    luaopen_utf8: JsFunction;
    luaopen_os: JsFunction;
    /** Every standard library (tests only: services get the explicit list of state.ts). */
    luaL_openlibs(L: State): void;
  };
}

/**
 * fengari internals, used only by src/lua-bytes.ts and src/modules/nljson-cbor-write.ts (fengari is
 * pinned to 0.1.5 for them).
 */
declare module 'fengari/src/lstring.js' {
  export function luaS_bless(L: object, bytes: Uint8Array): object;
  export function luaS_hash(bytes: Uint8Array): string;
}
declare module 'fengari/src/lobject.js' {
  export function pushsvalue2s(L: object, ts: object): void;
}
