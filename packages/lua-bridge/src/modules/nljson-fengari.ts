/**
 * A typed view of the part of fengari that the nljson module uses. fengari ships no types; this
 * view is local to nljson so that it does not depend on the bridge's own declarations.
 */
import { createRequire } from 'node:module';
import type { LuaState } from '../module.js';

/** A Lua string: fengari keeps strings as byte arrays. */
export type LuaString = Uint8Array;
export type JsFunction = (L: LuaState) => number;

export interface FengariLua {
  readonly LUA_OK: number;
  readonly LUA_MULTRET: number;
  readonly LUA_REGISTRYINDEX: number;
  readonly LUA_TNONE: number;
  readonly LUA_TNIL: number;
  readonly LUA_TBOOLEAN: number;
  readonly LUA_TLIGHTUSERDATA: number;
  readonly LUA_TNUMBER: number;
  readonly LUA_TSTRING: number;
  readonly LUA_TTABLE: number;
  readonly LUA_TFUNCTION: number;
  readonly LUA_TUSERDATA: number;
  readonly LUA_TTHREAD: number;
  lua_absindex(L: LuaState, idx: number): number;
  lua_call(L: LuaState, nargs: number, nresults: number): void;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_getglobal(L: LuaState, name: LuaString | string): number;
  lua_getmetatable(L: LuaState, idx: number): boolean;
  lua_gettop(L: LuaState): number;
  lua_isinteger(L: LuaState, idx: number): boolean;
  lua_next(L: LuaState, idx: number): number;
  lua_pop(L: LuaState, n: number): void;
  lua_pushboolean(L: LuaState, b: boolean | number): void;
  lua_pushinteger(L: LuaState, n: number): void;
  lua_pushjsfunction(L: LuaState, fn: JsFunction): void;
  lua_pushlightuserdata(L: LuaState, p: object): void;
  lua_pushliteral(L: LuaState, s: string): LuaString;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushstring(L: LuaState, s: LuaString | string): LuaString;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_rawget(L: LuaState, idx: number): number;
  lua_rawgeti(L: LuaState, idx: number, n: number): number;
  lua_rawgetp(L: LuaState, idx: number, p: object): number;
  lua_rawlen(L: LuaState, idx: number): number;
  lua_rawset(L: LuaState, idx: number): void;
  lua_rawseti(L: LuaState, idx: number, n: number): void;
  lua_rawsetp(L: LuaState, idx: number, p: object): void;
  lua_remove(L: LuaState, idx: number): void;
  lua_setfield(L: LuaState, idx: number, k: LuaString | string): void;
  lua_setglobal(L: LuaState, name: LuaString | string): void;
  lua_setmetatable(L: LuaState, idx: number): void;
  lua_settop(L: LuaState, idx: number): void;
  lua_toboolean(L: LuaState, idx: number): boolean;
  lua_tointeger(L: LuaState, idx: number): number;
  lua_tolstring(L: LuaState, idx: number): LuaString | null;
  lua_tonumber(L: LuaState, idx: number): number;
  lua_topointer(L: LuaState, idx: number): unknown;
  lua_touserdata(L: LuaState, idx: number): unknown;
  lua_type(L: LuaState, idx: number): number;
  lua_typename(L: LuaState, t: number): LuaString;
  lua_concat(L: LuaState, n: number): void;
  lua_error(L: LuaState): never;
}

export interface FengariLauxlib {
  luaL_argerror(L: LuaState, arg: number, extramsg: LuaString): never;
  luaL_checkany(L: LuaState, arg: number): void;
  luaL_checklstring(L: LuaState, arg: number): LuaString;
  luaL_checkstack(L: LuaState, space: number, msg: LuaString | null): void;
  luaL_checktype(L: LuaState, arg: number, t: number): void;
  luaL_dostring(L: LuaState, s: LuaString): number;
  luaL_newstate(): LuaState;
  luaL_optinteger(L: LuaState, arg: number, def: number): number;
  luaL_where(L: LuaState, level: number): void;
}

export interface FengariLualib {
  luaL_openlibs(L: LuaState): void;
}

export interface FengariView {
  readonly lua: FengariLua;
  readonly lauxlib: FengariLauxlib;
  readonly lualib: FengariLualib;
  to_luastring(s: string): LuaString;
  to_jsstring(s: LuaString): string;
}

const requireCjs = createRequire(import.meta.url);

/** fengari, loaded once (it is a CommonJS package), seen through {@link FengariView}. */
export const fengari = requireCjs('fengari') as FengariView;
