/**
 * `nap`: `local n = nap:new(); n:sleep(s); n:usleep(us); n:nsleep(ns)`. Sleeping suspends the
 * calling coroutine on a timer: the event loop (and the other instances) keep running.
 * Timers have millisecond resolution; sub-millisecond naps still yield once.
 */
import { lauxlib, lua } from 'fengari';
import type { LuaModule, LuaModuleContext, LuaState } from '../module.js';

function sleeper(context: LuaModuleContext, msPerUnit: number) {
  return (L: LuaState): number => {
    const amount = lauxlib.luaL_checknumber(L, 2);
    const ms = Math.max(0, amount * msPerUnit);
    return context.suspend(L, (resume) => setTimeout(() => resume(), ms));
  };
}

export const napModule: LuaModule = {
  name: 'nap',
  open(L, context) {
    // The object's methods: `nap:new()` returns a table whose metatable indexes them.
    lua.lua_createtable(L, 0, 3);
    lua.lua_pushcfunction(L, sleeper(context, 1000));
    lua.lua_setfield(L, -2, 'sleep');
    lua.lua_pushcfunction(L, sleeper(context, 1e-3));
    lua.lua_setfield(L, -2, 'usleep');
    lua.lua_pushcfunction(L, sleeper(context, 1e-6));
    lua.lua_setfield(L, -2, 'nsleep');
    const methods = lua.lua_gettop(L);
    lua.lua_createtable(L, 0, 1); // the metatable of nap objects
    lua.lua_pushvalue(L, methods);
    lua.lua_setfield(L, -2, '__index');
    const meta = lua.lua_gettop(L);

    lua.lua_createtable(L, 0, 1); // the module
    lua.lua_pushvalue(L, meta);
    lua.lua_pushcclosure(
      L,
      (S) => {
        lua.lua_createtable(S, 0, 0);
        lua.lua_pushvalue(S, lua.lua_upvalueindex(1));
        lua.lua_setmetatable(S, -2);
        return 1;
      },
      1,
    );
    lua.lua_setfield(L, -2, 'new');
    lua.lua_remove(L, meta);
    lua.lua_remove(L, methods);
  },
};
