/**
 * Runs Lua entry calls in coroutines and implements `LuaModuleContext.suspend`: a JS function
 * stores its continuation and yields; the runner calls `wait` once the VM has unwound, and
 * `resume` continues the coroutine on a microtask. One runner per state: one entry at a time.
 */
import { lauxlib, lua, to_jsstring, to_luastring } from 'fengari';
import { BUDGET_EXCEEDED, type InstructionBudget } from './budget.js';
import type { LogFunction } from './host.js';
import type { LuaState } from './module.js';
import { raiseLuaError } from './lua-raise.js';

/** How an entry call ended (or that it has not yet). */
export const RETURNED_TRUE = 0;
export const RETURNED_OTHER = 1;
export const FAILED = 2;
export const SUSPENDED = 3;
export type Outcome =
  | typeof RETURNED_TRUE
  | typeof RETURNED_OTHER
  | typeof FAILED
  | typeof SUSPENDED;

type Resume = (push?: (L: LuaState) => number) => void;
type Wait = (resume: Resume) => void;

export class CoroutineRunner {
  /** The thread of the entry call in progress (running or suspended), else null. */
  private thread: LuaState | null = null;
  /** A finished thread kept for the next call: a thread that ended normally can be reused. */
  private idle: LuaState | null = null;
  private running = false;
  private pendingWait: Wait | null = null;
  private entryName = '';
  private closed = false;
  /** The message of the last Lua error (for errors that become a LuaBridgeError). */
  lastError = '';
  /** Called when a suspended entry ends; set by whoever started it. */
  private whenDone: ((outcome: Outcome) => void) | null = null;

  constructor(
    private readonly L: LuaState,
    private readonly budget: InstructionBudget,
    private readonly log: LogFunction,
    private readonly where: Record<string, unknown>,
  ) {}

  /** True while an entry call is suspended: later events must wait. */
  get busy(): boolean {
    return this.thread !== null;
  }

  /**
   * Starts an entry call: pushes the function with registry reference `ref` onto a fresh thread
   * and returns that thread; push the arguments on it, then call {@link run}.
   */
  prepare(ref: number, entryName: string): LuaState {
    let co = this.idle;
    this.idle = null;
    if (co === null) {
      co = lua.lua_newthread(this.L);
      lua.lua_settop(this.L, -2); // the JS reference keeps the thread alive
    }
    this.thread = co;
    this.entryName = entryName;
    lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, ref);
    return co;
  }

  /**
   * Runs the prepared call with `nargs` arguments. After SUSPENDED, register what to do when the
   * call finally ends with {@link onEnd} (resumes happen on a later microtask, so there is time).
   * With `allowSuspend` false a suspension is an error (the main chunk of a service).
   */
  run(nargs: number, allowSuspend = true): Outcome {
    return this.slice(this.thread!, nargs, allowSuspend);
  }

  /** Sets the callback for the end of the suspended call. */
  onEnd(callback: (outcome: Outcome) => void): void {
    this.whenDone = callback;
  }

  /** `LuaModuleContext.suspend`. */
  suspend(L: LuaState, wait: Wait): number {
    if (!this.running || L !== this.thread) {
      return raiseLuaError(L, 'cannot suspend outside the entry coroutine of a service call');
    }
    if (!lua.lua_isyieldable(L)) {
      return raiseLuaError(L, 'cannot suspend here (inside a metamethod, iterator or JS call)');
    }
    this.pendingWait = wait;
    lua.lua_yield(L, 0);
    return 0;
  }

  /** Stops resuming suspended calls (the instance is gone). */
  close(): void {
    this.closed = true;
    this.thread = null;
    this.idle = null;
    this.whenDone = null;
  }

  private slice(co: LuaState, nargs: number, allowSuspend: boolean): Outcome {
    this.budget.start();
    this.running = true;
    const status = lua.lua_resume(co, null, nargs);
    this.running = false;
    if (status === lua.LUA_OK) {
      const result =
        lua.lua_gettop(co) >= 1 &&
        lua.lua_type(co, 1) === lua.LUA_TBOOLEAN &&
        lua.lua_toboolean(co, 1);
      lua.lua_settop(co, 0);
      this.thread = null;
      // A thread that hit its budget (and swallowed the error) keeps a 1-instruction hook: drop it.
      this.idle = this.budget.exceeded ? null : co;
      return result ? RETURNED_TRUE : RETURNED_OTHER;
    }
    if (status === lua.LUA_YIELD && this.budget.exceeded) {
      // The budget hook yielded: the thread is abandoned, never resumed.
      this.pendingWait = null;
      this.reportError(co, BUDGET_EXCEEDED);
      this.thread = null;
      return FAILED;
    }
    if (status === lua.LUA_YIELD) {
      const wait = this.pendingWait;
      this.pendingWait = null;
      if (wait !== null && allowSuspend) {
        wait(this.makeResume(co));
        return SUSPENDED;
      }
      this.thread = null;
      this.lastError =
        wait === null ? 'coroutine.yield() outside a coroutine' : 'suspended while loading';
      this.log(
        'error',
        `${this.entryName}: ${wait === null ? 'coroutine.yield() outside a coroutine' : 'cannot suspend while loading'}`,
        this.where,
      );
      return FAILED;
    }
    this.reportError(co);
    this.thread = null;
    return FAILED;
  }

  private makeResume(co: LuaState): Resume {
    let used = false;
    return (push) => {
      if (used) return;
      used = true;
      // Never re-enter the VM from inside another Lua call (e.g. a module resuming from a
      // callback that Lua code triggered): continue on a clean stack.
      queueMicrotask(() => {
        if (this.closed || this.thread !== co) return;
        const n = push === undefined ? 0 : push(co);
        const outcome = this.slice(co, n, true);
        if (outcome === SUSPENDED) return;
        const done = this.whenDone;
        this.whenDone = null;
        done?.(outcome);
      });
    };
  }

  /** Logs the error on top of the dead thread `co` (or `fixed`) with the thread's traceback. */
  private reportError(co: LuaState, fixed?: string): void {
    let message: string;
    if (fixed !== undefined) {
      message = fixed;
    } else {
      const type = lua.lua_type(co, -1);
      message =
        type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER
          ? to_jsstring(lua.lua_tolstring(co, -1)!)
          : `(error object is a ${to_jsstring(lua.lua_typename(co, type))} value)`;
    }
    let traceback = message;
    const top = lua.lua_gettop(this.L);
    try {
      lauxlib.luaL_traceback(this.L, co, to_luastring(message), 0);
      traceback = to_jsstring(lua.lua_tolstring(this.L, -1)!);
    } catch {
      // fengari cannot walk a thread stopped inside a hook (a budget cut): message only.
    }
    lua.lua_settop(this.L, top);
    this.lastError = message;
    this.log('error', `${this.entryName}: ${traceback}`, { ...this.where, error: message });
  }
}
