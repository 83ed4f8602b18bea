/**
 * `ws:send(handler, value)` and `bcast:send(id, value)`: a Lua value, written as CBOR straight from
 * the table and checked by the instance's message protocol.
 */
import type { BridgeModuleContext } from '../instance.js';
import type { OutboundUse } from '../message-protocol.js';
import type { LuaModuleContext, LuaState } from '../module.js';
import { NljsonError } from './nljson-convert.js';
import { luaToCbor } from './nljson-cbor-write.js';

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
  let bytes: Uint8Array;
  try {
    bytes = luaToCbor(L, index);
  } catch (error) {
    if (error instanceof NljsonError) return error.message;
    throw error; // a Lua error from the fengari API passes through
  }
  return protocol.checkOutbound(bytes, use) ?? bytes;
}
