/**
 * A network service instance: the LAppS contract (`onStart`, `onMessage`, `onDisconnect`,
 * `onShutdown`) driven by the server. Events of one instance run one at a time, in order: while
 * an entry is suspended (`nap:sleep`, `q:recv()`), later events wait in the instance's queue.
 */
import { lua } from 'fengari';
import { FAILED, type Outcome, RETURNED_TRUE, SUSPENDED } from './coroutine-runner.js';
import { LuaBridgeError } from './errors.js';
import type { ServiceHostLike, ServiceInstanceLike } from './host.js';
import { LuaInstance, type LuaServiceOptions } from './instance.js';
import { pushBytes } from './lua-bytes.js';
import type { MessageProtocol, RejectedInbound } from './message-protocol.js';
import { pushCborValue } from './modules/cbor-to-lua.js';
import { MAX_DEPTH, pushJs } from './modules/nljson-convert.js';
import { wsModule } from './modules/ws.js';
import { loadService, NETWORK_ENTRIES } from './service-loader.js';

/** The close code for a connection whose message Lua did not accept (internal error). */
const INTERNAL_ERROR = 1011;

type QueuedEvent =
  | { readonly kind: 'message'; handler: number; opcode: 1 | 2; payload: Uint8Array }
  | { readonly kind: 'disconnect'; handler: number }
  | {
      readonly kind: 'start' | 'shutdown';
      resolve: () => void;
      reject: (error: Error) => void;
    };

export class NetworkService implements ServiceInstanceLike {
  private readonly core: LuaInstance;
  private readonly refs: Record<(typeof NETWORK_ENTRIES)[number], number>;
  private readonly queue: QueuedEvent[] = [];
  private readonly name: string;
  private readonly protocol: MessageProtocol | undefined;
  private shutDown = false;

  /**
   * Loads the service into a fresh sandboxed state.
   * @throws LuaBridgeError when the file is missing, fails, breaks the contract, or `preload`
   *   names an unknown module.
   */
  constructor(options: LuaServiceOptions, instance: number) {
    this.name = options.name;
    const inbound = options.protocol?.checkInbound ?? options.protocol?.decodeInbound;
    this.protocol = inbound === undefined ? undefined : options.protocol;
    this.core = new LuaInstance(options, instance, [wsModule]);
    this.refs = loadService(
      this.core.L,
      this.core.runner,
      options.name,
      options.dir,
      NETWORK_ENTRIES,
    );
  }

  /** Runs `onStart()`; a Lua error rejects (or throws) a LuaBridgeError LAPPS_ERR_LUA_START. */
  onStart(host: ServiceHostLike): void | Promise<void> {
    this.core.host = host;
    if (this.busy) {
      return new Promise((resolve, reject) => this.queue.push({ kind: 'start', resolve, reject }));
    }
    return this.runLifecycle('onStart');
  }

  onMessage(handler: number, opcode: 1 | 2, payload: Uint8Array): boolean {
    if (this.shutDown) return false;
    if (this.busy) {
      this.queue.push({ kind: 'message', handler, opcode, payload });
      return true;
    }
    return this.message(handler, opcode, payload);
  }

  onDisconnect(handler: number): void {
    if (this.shutDown) return;
    this.core.disconnectModules(handler);
    if (this.busy) {
      this.queue.push({ kind: 'disconnect', handler });
      return;
    }
    this.disconnect(handler);
  }

  /** Runs `onShutdown()` after the queued events, then closes the modules. */
  onShutdown(): void | Promise<void> {
    if (this.shutDown) return;
    if (this.busy) {
      this.shutDown = true;
      return new Promise<void>((resolve, reject) =>
        this.queue.push({ kind: 'shutdown', resolve, reject }),
      );
    }
    return this.shutdown();
  }

  private get busy(): boolean {
    return this.core.runner.busy || this.queue.length > 0;
  }

  /** The hot path: no closures or promises unless Lua suspends. */
  private message(handler: number, opcode: 1 | 2, payload: Uint8Array): boolean {
    if (this.protocol !== undefined) return this.decodedMessage(handler, opcode, payload);
    const co = this.core.runner.prepare(this.refs.onMessage, 'onMessage');
    lua.lua_pushinteger(co, handler);
    lua.lua_pushinteger(co, opcode);
    pushBytes(co, payload);
    return this.settle(handler, this.core.runner.run(3));
  }

  /**
   * `onMessage(handler, type, value)` for a service with a message protocol. The value is built
   * on the main thread first, so a value Lua cannot hold is refused before the call starts.
   */
  private decodedMessage(handler: number, opcode: 1 | 2, payload: Uint8Array): boolean {
    const protocol = this.protocol!;
    const { L } = this.core;
    const top = lua.lua_gettop(L);
    let type: number;
    try {
      if (protocol.checkInbound !== undefined) {
        const checked = protocol.checkInbound(opcode, payload);
        if (!checked.ok) return this.refuse(handler, checked);
        type = checked.type;
        pushCborValue(L, payload, MAX_DEPTH);
      } else {
        const inbound = protocol.decodeInbound!(opcode, payload);
        if (!inbound.ok) return this.refuse(handler, inbound);
        type = inbound.type;
        pushJs(L, inbound.value);
      }
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      lua.lua_settop(L, top);
      const rejection = protocol.rejectInbound?.(error.message);
      return this.refuse(handler, rejection ?? { ok: false, close: 1003, reason: error.message });
    }
    const co = this.core.runner.prepare(this.refs.onMessage, 'onMessage');
    lua.lua_pushinteger(co, handler);
    lua.lua_pushinteger(co, type);
    lua.lua_xmove(L, co, 1);
    return this.settle(handler, this.core.runner.run(3));
  }

  /** A message the protocol refused: its reply, then maybe a close. Lua never sees it. */
  private refuse(handler: number, rejection: RejectedInbound): boolean {
    const host = this.core.host;
    this.core.context.log('debug', `${this.name}: refused a message: ${rejection.reason}`, {
      handler,
    });
    if (rejection.reply !== undefined) host?.send(handler, 2, rejection.reply);
    if (rejection.close !== undefined) {
      // A close frame holds a reason of at most 123 bytes; a longer one is only logged.
      const fits = Buffer.byteLength(rejection.reason) <= 123;
      host?.close(handler, rejection.close, fits ? rejection.reason : undefined);
    }
    return true;
  }

  private settle(handler: number, outcome: Outcome): boolean {
    if (outcome === SUSPENDED) {
      // Only a suspended message pays for a closure: the server already has `true`.
      this.core.runner.onEnd((late) => {
        if (late !== RETURNED_TRUE) this.core.host?.close(handler, INTERNAL_ERROR);
        this.drain();
      });
      return true;
    }
    return outcome === RETURNED_TRUE;
  }

  private disconnect(handler: number): void {
    const co = this.core.runner.prepare(this.refs.onDisconnect, 'onDisconnect');
    lua.lua_pushinteger(co, handler);
    if (this.core.runner.run(1) === SUSPENDED) this.core.runner.onEnd(() => this.drain());
  }

  /**
   * Runs `onStart` or `onShutdown`. Synchronous when Lua does not suspend (a failed `onStart`
   * throws); otherwise a promise, settled when the entry ends. Not a hot path.
   */
  private runLifecycle(entry: 'onStart' | 'onShutdown'): void | Promise<void> {
    this.core.runner.prepare(this.refs[entry], entry);
    const outcome = this.core.runner.run(0);
    if (outcome === SUSPENDED) {
      return new Promise<void>((resolve, reject) => {
        this.core.runner.onEnd((o: Outcome) => {
          if (entry === 'onShutdown') this.finishShutdown();
          if (o === FAILED && entry === 'onStart') reject(this.startError());
          else resolve();
          this.drain();
        });
      });
    }
    if (entry === 'onShutdown') this.finishShutdown();
    if (outcome === FAILED && entry === 'onStart') throw this.startError();
  }

  private startError(): LuaBridgeError {
    return new LuaBridgeError(
      'LAPPS_ERR_LUA_START',
      `${this.name}: onStart failed: ${this.core.runner.lastError}`,
    );
  }

  private shutdown(): void | Promise<void> {
    this.shutDown = true;
    return this.runLifecycle('onShutdown');
  }

  private finishShutdown(): void {
    this.queue.length = 0;
    this.core.close();
  }

  /** Runs queued events until one suspends or the queue is empty. */
  private drain(): void {
    while (!this.core.runner.busy) {
      const event = this.queue.shift();
      if (event === undefined) return;
      switch (event.kind) {
        case 'message':
          if (!this.message(event.handler, event.opcode, event.payload)) {
            // The server already got `true` for this message: close the connection ourselves.
            this.core.host?.close(event.handler, INTERNAL_ERROR);
          }
          break;
        case 'disconnect':
          this.disconnect(event.handler);
          break;
        case 'start':
          this.settleLifecycle('onStart', event.resolve, event.reject);
          break;
        case 'shutdown':
          this.settleLifecycle('onShutdown', event.resolve, event.reject);
          break;
      }
    }
  }

  private settleLifecycle(
    entry: 'onStart' | 'onShutdown',
    resolve: () => void,
    reject: (error: Error) => void,
  ): void {
    try {
      const result = this.runLifecycle(entry);
      if (result === undefined) resolve();
      else result.then(resolve, reject);
    } catch (e) {
      reject(e as Error);
    }
  }
}

/**
 * A factory of instances of one service, e.g. for the server's service registry.
 * @example
 * const create = createLuaServiceFactory({ name: 'echo', dir: 'apps/echo', log });
 * const instance = create(0);
 */
export function createLuaServiceFactory(
  options: LuaServiceOptions,
): (instance: number) => NetworkService {
  return (instance) => new NetworkService(options, instance);
}
