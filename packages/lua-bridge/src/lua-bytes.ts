/**
 * Bytes in and out of Lua without copies. fengari keeps a Lua string as a `Uint8Array` inside a
 * `TString`; `lua_pushlstring` copies it (`luaS_new`), so the bridge blesses the caller's buffer
 * into a `TString` directly. This touches fengari internals (`luaS_bless`, `pushsvalue2s`): they
 * live in this one file, fengari is pinned to 0.1.5, and test/lua-bytes.test.ts fails loudly if a
 * fengari update changes them.
 */
import { lua } from 'fengari';
import { pushsvalue2s } from 'fengari/src/lobject.js';
import { luaS_bless } from 'fengari/src/lstring.js';
import type { LuaState } from './module.js';

/**
 * Pushes `bytes` as a Lua string without copying. The caller gives up the buffer: it must never
 * be mutated afterwards (Lua strings are immutable and may be shared).
 */
export function pushBytes(L: LuaState, bytes: Uint8Array): void {
  if (bytes.length === 0) {
    lua.lua_pushliteral(L, '');
    return;
  }
  pushsvalue2s(L, luaS_bless(L, bytes));
}

/**
 * The bytes of the string at `idx` (no copy; numbers are converted in place like
 * `lua_tolstring`), or null when the value is neither a string nor a number. Read-only.
 */
export function toBytes(L: LuaState, idx: number): Uint8Array | null {
  return lua.lua_tolstring(L, idx);
}
