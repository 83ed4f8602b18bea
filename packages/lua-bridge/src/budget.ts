/**
 * Instruction budgets through a count hook. The budget covers one *slice*: the Lua run between a
 * resume and the next suspension or the end of the call. A call that never suspends is one slice,
 * so an endless loop in `onMessage` is cut; a standalone `run()` loop that yields through
 * `must_stop()` gets a fresh budget each turn instead of being killed after N instructions in all.
 */
import { lauxlib, lua, to_luastring } from 'fengari';
import type { LuaState } from './module.js';

export interface BudgetLimits {
  /** Lua VM instructions per slice (default 50 million; 0 disables). */
  readonly maxInstructions?: number;
  /** Wall-clock milliseconds per slice (default 0: disabled). */
  readonly maxMillis?: number;
}

/** How many instructions run between two hook calls: cheap enough, fine enough. */
const HOOK_INTERVAL = 1000;
export const BUDGET_EXCEEDED = 'instruction budget exceeded';
const EXCEEDED = to_luastring(BUDGET_EXCEEDED);

export class InstructionBudget {
  private readonly maxInstructions: number;
  private readonly maxMillis: number;
  private count = 0;
  /** Set when the current slice ran out; the runner then fails the call. */
  exceeded = false;
  private startedAt = 0;
  private readonly hook: (L: LuaState) => void;

  /** Installs the hook on `L`; threads created from `L` afterwards inherit it. */
  constructor(L: LuaState, limits: BudgetLimits = {}) {
    this.maxInstructions = limits.maxInstructions ?? 50_000_000;
    this.maxMillis = limits.maxMillis ?? 0;
    this.hook = (T) => {
      this.count += HOOK_INTERVAL;
      if (
        (this.maxInstructions > 0 && this.count > this.maxInstructions) ||
        (this.maxMillis > 0 && performance.now() - this.startedAt > this.maxMillis)
      ) {
        this.exceeded = true;
        // From now on every instruction of this thread hits the hook.
        lua.lua_sethook(T, this.hook, lua.LUA_MASKCOUNT, 1);
        // Yielding from the hook goes straight to the runner's lua_resume, past any `pcall` in
        // the script (a Lua error would be caught by `pcall`, and fengari 0.1.5 then leaves the
        // thread's hooks disabled: its `lua_pcallk` never sets CIST_OAH). The runner sees
        // `exceeded` and abandons the thread. Where yielding is impossible (inside a
        // metamethod or a JS call boundary), raise an error instead.
        if (lua.lua_isyieldable(T)) lua.lua_yield(T, 0);
        else lauxlib.luaL_error(T, EXCEEDED);
      }
    };
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, HOOK_INTERVAL);
  }

  /**
   * Starts a new slice. Threads inherit the hook from the main state; a thread whose budget ran
   * out is never reused (the runner drops it), so nothing needs resetting on the thread itself.
   */
  start(): void {
    this.count = 0;
    this.exceeded = false;
    if (this.maxMillis > 0) this.startedAt = performance.now();
  }
}
