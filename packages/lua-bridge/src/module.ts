/**
 * The interface through which modules plug into Lua states: the bridge's own (`ws`, `nljson`,
 * `bcast`, `time`, `nap`, `murmur`) and those of other packages (`cws`, `mqr`, `pam_auth`), which
 * the bridge never imports.
 */

/** A fengari `lua_State` (fengari ships no types; the bridge keeps its own declarations). */
export type LuaState = object;

/** Where a module runs: the service, the instance, logging, and the host's services. */
export interface LuaModuleContext {
  readonly service: string;
  /** The instance number, from 0. */
  readonly instance: number;
  log(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ): void;
  /**
   * Suspends the Lua coroutine that called the current JS function until `wait` calls `resume`.
   * `resume(push)` schedules the coroutine to continue; `push(L)` pushes the values the Lua call
   * returns and gives their count (none when omitted). The JS function must return what `suspend`
   * returns. Throws a Lua error when called outside a coroutine the bridge runs.
   * @example
   * // nap:sleep(s)
   * return context.suspend(L, (resume) => setTimeout(() => resume(), seconds * 1000));
   */
  suspend(L: LuaState, wait: (resume: (push?: (L: LuaState) => number) => void) => void): number;
}

export interface LuaModule {
  /** The global (and `require`) name, e.g. 'nljson'. */
  readonly name: string;
  /** Pushes the module's value (usually a table) onto the stack of `L`. Called once per state. */
  open(L: LuaState, context: LuaModuleContext): void;
  /** A connection of this instance is gone (e.g. bcast unsubscribes it). */
  onDisconnect?(handler: number, context: LuaModuleContext): void;
  /**
   * The instance is asked to stop (a standalone service's `must_stop()` turns true): wake the
   * calls that block (an mqr `q:recv()`), so that its `run` loop can see it and return.
   */
  stop?(context: LuaModuleContext): void;
  /** The instance is shutting down. */
  close?(context: LuaModuleContext): void;
}
