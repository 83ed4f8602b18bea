/**
 * What network and standalone services share: a sandboxed state with its budget, coroutine
 * runner, module context and modules, and the loaded service.
 */
import { lua } from 'fengari';
import { InstructionBudget } from './budget.js';
import type { BudgetLimits } from './budget.js';
import { CoroutineRunner } from './coroutine-runner.js';
import type { LogFunction, ServiceHostLike } from './host.js';
import type { MessageProtocol } from './message-protocol.js';
import type { LuaModule, LuaModuleContext, LuaState } from './module.js';
import { nljsonModule } from './modules/nljson.js';
import { pushJs } from './modules/nljson-convert.js';
import { createSandboxedState, preloadModules } from './state.js';

export interface ServiceLimits extends BudgetLimits {
  /** Largest string `string.rep` may build (default 64 MiB). */
  readonly maxStringBytes?: number;
}

export interface LuaServiceOptions {
  /** The service name: the file `<dir>/<name>.lua` and the global it defines. */
  readonly name: string;
  readonly dir: string;
  /** Module names opened as globals before the service file runs. */
  readonly preload?: readonly string[];
  /** The modules `preload` and `require` can name. */
  readonly modules?: readonly LuaModule[];
  readonly log: LogFunction;
  readonly limits?: ServiceLimits;
  /**
   * **(ours)** The service's `settings` from lapps.json (any JSON object): the Lua global
   * `settings`, a plain table (empty when not given), read before the service file runs.
   */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * The wire format of messages (e.g. the LAppS protocol). A network service with a protocol that
   * decodes gets `onMessage(handler, type, value)`; `ws:send(handler, value)` and `bcast:send(id,
   * value)` encode through it in any service. Without one the service is raw and those forms fail.
   */
  readonly protocol?: MessageProtocol;
}

/**
 * The context the bridge hands to modules. Besides {@link LuaModuleContext} it carries the host
 * of a network instance (undefined before `onStart` and for standalone services), which `ws` and
 * `bcast` send through.
 */
export interface BridgeModuleContext extends LuaModuleContext {
  readonly host: ServiceHostLike | undefined;
  /** How `ws:send(handler, value)` and `bcast:send(id, value)` encode a Lua value. */
  readonly protocol: MessageProtocol | undefined;
}

export class LuaInstance {
  readonly L: LuaState;
  readonly runner: CoroutineRunner;
  readonly context: BridgeModuleContext;
  readonly modules: readonly LuaModule[];
  host: ServiceHostLike | undefined;

  constructor(options: LuaServiceOptions, instance: number, own: readonly LuaModule[]) {
    const { name, log } = options;
    // nljson is a global in every service, as in LAppS 0.9; `own` adds the kind's (ws).
    const internal = [nljsonModule, ...own];
    this.modules = [...internal, ...(options.modules ?? []).filter((m) => m.name !== 'nljson')];
    const where = { service: name, instance };
    // Late-bound: the context exists before the runner that implements `suspend`.
    const self = this;
    this.context = {
      service: name,
      instance,
      log,
      suspend: (L, wait) => self.runner.suspend(L, wait),
      get host() {
        return self.host;
      },
      protocol: options.protocol,
    };
    this.L = createSandboxedState({
      dir: options.dir,
      modules: this.modules,
      context: this.context,
      maxStringBytes: options.limits?.maxStringBytes,
    });
    const budget = new InstructionBudget(this.L, options.limits);
    this.runner = new CoroutineRunner(this.L, budget, log, where);
    preloadModules(
      this.L,
      [...internal.map((m) => m.name), ...(options.preload ?? [])],
      this.modules,
      this.context,
    );
    // After the preloads: pushJs needs nljson's array metatable.
    pushJs(this.L, options.settings ?? {});
    lua.lua_setglobal(this.L, 'settings');
  }

  /** Tells every module that a connection is gone. */
  disconnectModules(handler: number): void {
    for (const module of this.modules) module.onDisconnect?.(handler, this.context);
  }

  /** Tells every module that the instance is asked to stop (blocking calls return). */
  stopModules(): void {
    for (const module of this.modules) module.stop?.(this.context);
  }

  /** Closes every module and stops resuming suspended calls. */
  close(): void {
    for (const module of this.modules) module.close?.(this.context);
    this.runner.close();
  }
}
