/**
 * `murmur.hashstr(s)` and `murmur.hashnum(n)`: MurmurHash3 (x86, 32-bit, seed 0). The hash is a
 * float in [0, 2^32): fengari's integers are 32-bit signed and would wrap half the hashes
 * negative. `hashnum` hashes the 8 little-endian bytes of the number as a double, so 1 and 1.0
 * hash the same.
 */
import { lauxlib, lua } from 'fengari';
import type { LuaModule } from '../module.js';
import { murmur3 } from '../murmur3.js';

const numberBytes = new Uint8Array(8);
const numberView = new DataView(numberBytes.buffer);

export const murmurModule: LuaModule = {
  name: 'murmur',
  open(L) {
    lua.lua_createtable(L, 0, 2);
    lua.lua_pushcfunction(L, (S) => {
      lua.lua_pushnumber(S, murmur3(lauxlib.luaL_checklstring(S, 1)));
      return 1;
    });
    lua.lua_setfield(L, -2, 'hashstr');
    lua.lua_pushcfunction(L, (S) => {
      numberView.setFloat64(0, lauxlib.luaL_checknumber(S, 1), true);
      lua.lua_pushnumber(S, murmur3(numberBytes));
      return 1;
    });
    lua.lua_setfield(L, -2, 'hashnum');
  },
};
