/**
 * `bcast`: process-wide broadcast channels shared by every service instance of the process.
 * `bcast:create(id)`, `bcast:subscribe(id, handler)`, `bcast:unsubscribe(id, handler)`,
 * `bcast:send(id, data[, opcode])`. Functions return true, or false and a message. `send`
 * writes to every subscribed connection through its own instance's host; without an opcode it
 * sends text (1) when `data` is valid UTF-8, else binary (2). `bcast:send(id, value)` with a table
 * encodes it through the sender's message protocol (a LAppS OON `{cid = N, message = {...}}`) and
 * sends it as binary, as LAppS 0.9's `bcast:send(id, nljson)` did. Connections unsubscribe
 * automatically when they disconnect, and an instance's subscriptions go when it shuts down.
 *
 * With several worker processes the server sets a relay: every `send` also goes to the other
 * processes, which deliver it to their own subscribers (`deliverBroadcast`). Channels then exist in
 * every process: subscribing to a channel that no instance of this process created succeeds (its
 * creator may live in another process).
 */
import { isUtf8 } from 'node:buffer';
import { lauxlib, lua } from 'fengari';
import type { BridgeModuleContext } from '../instance.js';
import type { LuaModule, LuaModuleContext, LuaState } from '../module.js';
import { encodeLuaValue } from './protocol-value.js';

interface Subscriber {
  readonly context: LuaModuleContext;
  readonly handler: number;
}

/** Channel id → subscribers, for the whole process (all services, all instances). */
const channels = new Map<number, Subscriber[]>();

function failure(L: LuaState, message: string): number {
  lua.lua_pushboolean(L, false);
  lua.lua_pushliteral(L, message);
  return 2;
}

function success(L: LuaState): number {
  lua.lua_pushboolean(L, true);
  return 1;
}

function removeWhere(predicate: (s: Subscriber) => boolean): void {
  for (const [id, subscribers] of channels) {
    channels.set(
      id,
      subscribers.filter((s) => !predicate(s)),
    );
  }
}

/** Forgets every channel (for tests and process reuse). */
export function resetBroadcastChannels(): void {
  channels.clear();
}

/** Where broadcasts go beyond this process (the other worker processes of the server). */
export interface BroadcastRelay {
  /** `data` is a Lua string's bytes: immutable, safe to keep. */
  publish(channel: number, opcode: 1 | 2, data: Uint8Array): void;
}

let relay: BroadcastRelay | undefined;

/** Sets (or, with undefined, removes) the relay of this process. */
export function setBroadcastRelay(next: BroadcastRelay | undefined): void {
  relay = next;
}

function deliver(channel: number, opcode: 1 | 2, data: Uint8Array): boolean {
  const subscribers = channels.get(channel);
  if (subscribers === undefined) return false;
  for (const s of subscribers) {
    (s.context as BridgeModuleContext).host?.send(s.handler, opcode, data);
  }
  return true;
}

/**
 * A broadcast sent in another process: to this process's subscribers of `channel`, in the order
 * they arrive. `data` must not change afterwards (copy it out of a reused read buffer first).
 */
export function deliverBroadcast(channel: number, opcode: 1 | 2, data: Uint8Array): void {
  deliver(channel, opcode, data);
}

export const bcastModule: LuaModule = {
  name: 'bcast',
  open(L, context) {
    lua.lua_createtable(L, 0, 4);
    lua.lua_pushcfunction(L, (S) => {
      const id = lauxlib.luaL_checkinteger(S, 2);
      if (!channels.has(id)) channels.set(id, []);
      return success(S);
    });
    lua.lua_setfield(L, -2, 'create');
    lua.lua_pushcfunction(L, (S) => {
      const id = lauxlib.luaL_checkinteger(S, 2);
      const handler = lauxlib.luaL_checkinteger(S, 3);
      let subscribers = channels.get(id);
      if (subscribers === undefined) {
        if (relay === undefined) return failure(S, `no broadcast channel ${id}`);
        subscribers = [];
        channels.set(id, subscribers);
      }
      if (!subscribers.some((s) => s.context === context && s.handler === handler)) {
        subscribers.push({ context, handler });
      }
      return success(S);
    });
    lua.lua_setfield(L, -2, 'subscribe');
    lua.lua_pushcfunction(L, (S) => {
      const id = lauxlib.luaL_checkinteger(S, 2);
      const handler = lauxlib.luaL_checkinteger(S, 3);
      const subscribers = channels.get(id);
      if (subscribers === undefined) return failure(S, `no broadcast channel ${id}`);
      channels.set(
        id,
        subscribers.filter((s) => !(s.context === context && s.handler === handler)),
      );
      return success(S);
    });
    lua.lua_setfield(L, -2, 'unsubscribe');
    lua.lua_pushcfunction(L, (S) => {
      const id = lauxlib.luaL_checkinteger(S, 2);
      let data: Uint8Array | null;
      let opcode: 1 | 2;
      if (lua.lua_type(S, 3) === lua.LUA_TTABLE) {
        const encoded = encodeLuaValue(S, 3, context, 'broadcast');
        if (typeof encoded === 'string') return failure(S, encoded);
        data = encoded;
        opcode = 2;
      } else {
        data = lua.lua_tolstring(S, 3);
        if (data === null) return lauxlib.luaL_argerror(S, 3, 'string or table expected');
        const op = lauxlib.luaL_optinteger(S, 4, isUtf8(data) ? 1 : 2);
        if (op !== 1 && op !== 2) return failure(S, `invalid opcode ${op} (1 or 2)`);
        opcode = op;
      }
      if (!deliver(id, opcode, data) && relay === undefined) {
        return failure(S, `no broadcast channel ${id}`);
      }
      relay?.publish(id, opcode, data);
      return success(S);
    });
    lua.lua_setfield(L, -2, 'send');
  },
  onDisconnect(handler, context) {
    removeWhere((s) => s.context === context && s.handler === handler);
  },
  close(context) {
    removeWhere((s) => s.context === context);
  },
};
