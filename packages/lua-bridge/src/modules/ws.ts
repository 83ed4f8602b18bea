/**
 * `ws`, always a global of network services: `ws:send(handler, opcode, data)`,
 * `ws:send(handler, value)` (a table encoded by the service's message protocol, e.g. a LAppS
 * response, sent as binary; the number of arguments decides the form, as in LAppS 0.9),
 * `ws:close(handler, code[, reason])`, `ws:bufferedAmount(handler)`. Functions return true, or
 * false and a message.
 */
import { lauxlib, lua, to_jsstring } from 'fengari';
import { isSendableCloseCode } from '../close-codes.js';
import type { BridgeModuleContext } from '../instance.js';
import type { LuaModule, LuaModuleContext, LuaState } from '../module.js';
import { encodeLuaValue } from './protocol-value.js';

function failure(L: LuaState, message: string): number {
  lua.lua_pushboolean(L, false);
  lua.lua_pushliteral(L, message);
  return 2;
}

function hostOf(context: LuaModuleContext) {
  return (context as BridgeModuleContext).host;
}

/** `ws:send(handler, value)`: the value at index 3, encoded by the protocol, as one binary frame. */
function sendValue(L: LuaState, handler: number, context: LuaModuleContext): number {
  const encoded = encodeLuaValue(L, 3, context, 'send');
  if (typeof encoded === 'string') return failure(L, encoded);
  const host = hostOf(context);
  if (host === undefined) return failure(L, 'the service has not started');
  if (!host.send(handler, 2, encoded)) return failure(L, `cannot send to connection ${handler}`);
  lua.lua_pushboolean(L, true);
  return 1;
}

/** The `ws` module; it sends through the host of the instance (`BridgeModuleContext.host`). */
export const wsModule: LuaModule = {
  name: 'ws',
  open(L, context) {
    lua.lua_createtable(L, 0, 3);
    // ws:send(handler, opcode, data): the payload leaves Lua as its own bytes (no copy, no
    // JS string), so the host must not mutate it.
    lua.lua_pushcfunction(L, (S) => {
      const handler = lauxlib.luaL_checkinteger(S, 2);
      if (lua.lua_gettop(S) === 3) return sendValue(S, handler, context);
      const opcode = lauxlib.luaL_checkinteger(S, 3);
      const data = lua.lua_tolstring(S, 4);
      if (data === null) return lauxlib.luaL_argerror(S, 4, 'string expected');
      if (opcode !== 1 && opcode !== 2) return failure(S, `invalid opcode ${opcode} (1 or 2)`);
      const host = hostOf(context);
      if (host === undefined) return failure(S, 'the service has not started');
      if (!host.send(handler, opcode, data)) {
        return failure(S, `cannot send to connection ${handler}`);
      }
      lua.lua_pushboolean(S, true);
      return 1;
    });
    lua.lua_setfield(L, -2, 'send');
    lua.lua_pushcfunction(L, (S) => {
      const handler = lauxlib.luaL_checkinteger(S, 2);
      const code = lauxlib.luaL_checkinteger(S, 3);
      const reasonBytes = lua.lua_tolstring(S, 4);
      if (!isSendableCloseCode(code)) {
        return failure(S, `invalid close code ${code} (1000-1003, 1007-1014, 3000-4999)`);
      }
      // A close frame's payload is at most 125 bytes: 2 for the code, 123 for the reason.
      if (reasonBytes !== null && reasonBytes.length > 123) {
        return failure(S, `close reason too long (${reasonBytes.length} bytes, at most 123)`);
      }
      const host = hostOf(context);
      if (host === undefined) return failure(S, 'the service has not started');
      host.close(handler, code, reasonBytes === null ? undefined : to_jsstring(reasonBytes));
      lua.lua_pushboolean(S, true);
      return 1;
    });
    lua.lua_setfield(L, -2, 'close');
    lua.lua_pushcfunction(L, (S) => {
      const handler = lauxlib.luaL_checkinteger(S, 2);
      const host = hostOf(context);
      lua.lua_pushnumber(S, host === undefined ? 0 : host.bufferedAmount(handler));
      return 1;
    });
    lua.lua_setfield(L, -2, 'bufferedAmount');
  },
};
