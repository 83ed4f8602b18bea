/**
 * The Lua module `cws` (LAppS 0.9's API): `cws:new(url, callbacks[, options])`,
 * `cws:send(handler, data, opcode)`, `cws:eventLoop()`, `sock:close()`. Each Lua instance has its
 * own connections and event queue; `cws:eventLoop()` dispatches what has arrived and, when nothing
 * has, yields to the event loop until something does (or `idleWaitMs` passes, so a
 * `while not must_stop() do cws:eventLoop() end` loop notices a stop).
 *
 * Unlike the original, certificates are verified: against Node's bundled CAs plus `trustedCa`
 * (the server passes ws.json's `tls_certificates.ca`), or per connection `{ca = PEM}`;
 * `{verify = false}` turns the check off for that connection.
 */
import tls from 'node:tls';
import {
  argBoolean,
  argBytes,
  argNumber,
  argString,
  argType,
  type LuaModule,
  type LuaModuleContext,
  type LuaState,
  loadModuleChunk,
  pushScalar,
  returnValues,
} from '@lapps/lua-bridge';
import { WebSocketClient } from '../client.js';
import { CwsError } from '../errors.js';
import type { CwsMessageEvent } from '../events.js';
import { CWS_LUA_SOURCE } from './cws-lua-source.js';
import { EventKind, EventQueue, type EventValue } from './event-queue.js';

export interface CwsModuleOptions {
  /** PEM CA certificate(s) trusted for wss:// IN ADDITION to Node's bundled roots. */
  trustedCa?: string | Uint8Array;
  /** Connections one Lua instance may hold open at once (default 10000). */
  maxConnectionsPerInstance?: number;
  /** For TCP + TLS + upgrade (default 10000 ms). */
  handshakeTimeoutMs?: number;
  /** Largest message accepted (default 16 MiB): above it the connection closes with 1009. */
  maxMessageSize?: number;
  /** How long `cws:eventLoop()` waits when nothing has arrived (default 5 ms). */
  idleWaitMs?: number;
}

export const DEFAULT_MAX_CONNECTIONS_PER_INSTANCE = 10_000;
const DEFAULT_IDLE_WAIT_MS = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One Lua instance's connections and their events. */
class InstanceSockets {
  readonly clients = new Map<number, WebSocketClient>();
  readonly queue = new EventQueue();
  nextHandler = 1;
  closed = false;
  private resume: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Suspends the calling coroutine until an event arrives or `ms` pass. */
  wait(L: LuaState, context: LuaModuleContext, ms: number): number {
    return context.suspend(L, (resume) => {
      this.resume = resume;
      this.timer = setTimeout(() => this.wake(), ms);
    });
  }

  /** An event arrived (or time is up): continue a waiting `eventLoop()`. */
  wake(): void {
    const resume = this.resume;
    if (resume === undefined) return;
    this.resume = undefined;
    clearTimeout(this.timer);
    resume();
  }

  close(): void {
    this.closed = true;
    this.resume = undefined;
    clearTimeout(this.timer);
    this.queue.clear();
    for (const client of this.clients.values()) client.close(1000, 'service stopping');
    this.clients.clear();
  }
}

export function createCwsModule(options: CwsModuleOptions = {}): LuaModule {
  const maxConnections = options.maxConnectionsPerInstance ?? DEFAULT_MAX_CONNECTIONS_PER_INSTANCE;
  const idleWaitMs = options.idleWaitMs ?? DEFAULT_IDLE_WAIT_MS;
  const instances = new WeakMap<LuaModuleContext, InstanceSockets>();
  // Built on first use: parsing every bundled root costs milliseconds, once, not per connection.
  let trusted: tls.SecureContext | undefined;
  const trustedContext = (): tls.SecureContext | undefined => {
    if (options.trustedCa === undefined) return undefined;
    const extra =
      typeof options.trustedCa === 'string'
        ? options.trustedCa
        : Buffer.from(options.trustedCa).toString('utf8');
    trusted ??= tls.createSecureContext({ ca: [...tls.rootCertificates, extra] });
    return trusted;
  };

  function connect(state: InstanceSockets, L: LuaState): number {
    const url = argString(L, 1);
    if (url === undefined) return returnValues(L, null, 'cws:new: the URL must be a string');
    if (state.clients.size >= maxConnections) {
      return returnValues(L, null, `cws:new: too many connections (at most ${maxConnections})`);
    }
    const caType = argType(L, 2);
    if (caType !== 'nil' && caType !== 'string') {
      return returnValues(L, null, 'cws:new: options.ca must be PEM text');
    }
    const verifyType = argType(L, 3);
    if (verifyType !== 'nil' && verifyType !== 'boolean') {
      return returnValues(L, null, 'cws:new: options.verify must be a boolean');
    }
    const ca = argString(L, 2);
    const verify = argBoolean(L, 3) !== false;
    let client: WebSocketClient;
    try {
      const secureContext = ca === undefined && verify ? trustedContext() : undefined;
      client = new WebSocketClient(url, undefined, {
        rejectUnauthorized: verify,
        ...(ca !== undefined && { ca }),
        ...(secureContext !== undefined && { secureContext }),
        ...(options.handshakeTimeoutMs !== undefined && {
          handshakeTimeoutMs: options.handshakeTimeoutMs,
        }),
        ...(options.maxMessageSize !== undefined && { maxMessageSize: options.maxMessageSize }),
        binaryType: 'nodebuffer',
      });
    } catch (error) {
      if (!(error instanceof CwsError)) throw error;
      return returnValues(L, null, `cws:new: ${error.message}`);
    }
    const handler = state.nextHandler++;
    state.clients.set(handler, client);
    const { queue } = state;
    client.onopen = () => {
      queue.push(EventKind.Open, handler);
      state.wake();
    };
    client.onmessage = (event: CwsMessageEvent) => {
      if (state.closed) return;
      const data = event.data;
      if (typeof data === 'string') queue.push(EventKind.Message, handler, Buffer.from(data), 1);
      else queue.push(EventKind.Message, handler, data as Buffer, 2);
      state.wake();
    };
    client.onerror = (event) => {
      queue.push(EventKind.Error, handler, event.message);
      state.wake();
    };
    client.onclose = (event) => {
      state.clients.delete(handler);
      if (state.closed) return;
      queue.push(EventKind.Close, handler, event.code, event.reason);
      state.wake();
    };
    return returnValues(L, handler);
  }

  function send(state: InstanceSockets, L: LuaState): number {
    const handler = argNumber(L, 1);
    const client = handler === undefined ? undefined : state.clients.get(handler);
    if (client === undefined) {
      return returnValues(L, false, `cws:send: no connection ${String(handler ?? 'given')}`);
    }
    const data = argBytes(L, 2);
    if (data === undefined) return returnValues(L, false, 'cws:send: data must be a string');
    const opcode = argNumber(L, 3) ?? 2;
    if (opcode !== 1 && opcode !== 2) {
      return returnValues(L, false, 'cws:send: opcode must be 1 (text) or 2 (binary)');
    }
    if (client.readyState !== WebSocketClient.OPEN) {
      const state = ['connecting', 'open', 'closing', 'closed'][client.readyState];
      return returnValues(L, false, `cws:send: connection ${handler} is ${state}`);
    }
    if (opcode === 1) {
      let text: string;
      try {
        text = utf8.decode(data);
      } catch {
        return returnValues(L, false, 'cws:send: a text message must be valid UTF-8');
      }
      client.send(text);
    } else {
      client.send(data);
    }
    return returnValues(L, true);
  }

  function close(state: InstanceSockets, L: LuaState): number {
    const handler = argNumber(L, 1);
    const client = handler === undefined ? undefined : state.clients.get(handler);
    if (client === undefined) return returnValues(L, false, 'cws: no such connection');
    try {
      // A bare sock:close() is a normal closure (1000), not a close frame without a code (1005).
      client.close(argNumber(L, 2) ?? 1000, argString(L, 3));
    } catch (error) {
      if (!(error instanceof CwsError)) throw error;
      return returnValues(L, false, `close: ${error.message}`);
    }
    return returnValues(L, true);
  }

  return {
    name: 'cws',
    open(L, context) {
      const state = new InstanceSockets();
      instances.set(context, state);
      let target: LuaState = L;
      // Made once per instance: next() pushes the oldest event's values onto `target`.
      const take = (kind: EventKind, handler: number, a: EventValue, b: EventValue): number => {
        pushScalar(target, kind);
        pushScalar(target, handler);
        pushScalar(target, a);
        pushScalar(target, b);
        return 4;
      };
      loadModuleChunk(L, 'cws', CWS_LUA_SOURCE, {
        open: (S) => connect(state, S),
        send: (S) => send(state, S),
        close: (S) => close(state, S),
        next: (S) => {
          target = S;
          return state.queue.shift(take);
        },
        wait: (S) => {
          if (state.queue.length > 0 || state.closed) return 0;
          return state.wait(S, context, idleWaitMs);
        },
      });
    },
    close(context) {
      instances.get(context)?.close();
      instances.delete(context);
    },
  };
}

/** The module with the defaults: Node's bundled CAs only. */
export const cwsModule: LuaModule = createCwsModule();
