/** `time.now()`: milliseconds since the epoch as a float (fengari integers are 32-bit). */
import { lua } from 'fengari';
import type { LuaModule } from '../module.js';

export const timeModule: LuaModule = {
  name: 'time',
  open(L) {
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushcfunction(L, (S) => {
      lua.lua_pushnumber(S, Date.now());
      return 1;
    });
    lua.lua_setfield(L, -2, 'now');
  },
};
