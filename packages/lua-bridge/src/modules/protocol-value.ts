/**
 * `ws:send(handler, value)` and `bcast:send(id, value)`: a Lua value, converted to the nljson
 * model, validated and encoded by the instance's message protocol.
 */
import type { BridgeModuleContext } from '../instance.js';
import type { OutboundUse } from '../message-protocol.js';
import type { LuaModuleContext, LuaState } from '../module.js';
import { luaToJs } from './nljson-convert.js';

/** The encoded bytes, or why the value cannot be sent (a message for `false, message`). */
export function encodeLuaValue(
  L: LuaState,
  index: number,
  context: LuaModuleContext,
  use: OutboundUse,
): Uint8Array | string {
  const protocol = (context as BridgeModuleContext).protocol;
  if (protocol === undefined) {
    return use === 'send'
      ? 'ws:send(handler, value) needs a message protocol (protocol "LAppS"); raw services send ws:send(handler, opcode, data)'
      : 'bcast:send(id, value) needs a message protocol (protocol "LAppS"); send a string instead';
  }
  try {
    return protocol.encodeValue(luaToJs(L, index, 'cbor'), use);
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw error; // a Lua error from the fengari API passes through
  }
}
