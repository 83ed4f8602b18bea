/** Raising Lua errors from JS functions, with the caller's position like `luaL_error`. */
import { lauxlib, to_luastring } from 'fengari';
import type { LuaState } from './module.js';

const FORMAT = to_luastring('%s');

/** Raises a Lua error `<where>: message` in `L`; never returns (the `number` is for `return`). */
export function raiseLuaError(L: LuaState, message: string): number {
  return lauxlib.luaL_error(L, FORMAT, to_luastring(message));
}
