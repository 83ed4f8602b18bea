/**
 * A standalone (internal) service: no endpoint; `init()` then `run()` in a coroutine, with the
 * globals `instance_id` and `must_stop()`. `must_stop()` yields to the event loop on every call
 * (setImmediate), so `while not must_stop() do ... end` keeps the process responsive.
 */
import { lua } from 'fengari';
import { FAILED, type Outcome, SUSPENDED } from './coroutine-runner.js';
import { LuaBridgeError } from './errors.js';
import { LuaInstance, type LuaServiceOptions } from './instance.js';
import { loadService, STANDALONE_ENTRIES } from './service-loader.js';

export class StandaloneService {
  private readonly core: LuaInstance;
  private readonly refs: Record<(typeof STANDALONE_ENTRIES)[number], number>;
  private readonly name: string;
  private stopRequested = false;
  private started = false;
  private resolveFinished: () => void = () => {};
  /** Settles when `run()` has returned (or failed, which is logged). */
  readonly finished: Promise<void>;

  /** @throws LuaBridgeError as {@link NetworkService}'s constructor. */
  constructor(options: LuaServiceOptions, instance: number) {
    this.name = options.name;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    this.core = new LuaInstance(options, instance, []);
    const { L, context } = this.core;
    lua.lua_pushstring(L, String(instance));
    lua.lua_setglobal(L, 'instance_id');
    lua.lua_pushcfunction(L, (S) =>
      context.suspend(S, (resume) =>
        setImmediate(() =>
          resume((T) => {
            lua.lua_pushboolean(T, this.stopRequested);
            return 1;
          }),
        ),
      ),
    );
    lua.lua_setglobal(L, 'must_stop');
    this.refs = loadService(L, this.core.runner, options.name, options.dir, STANDALONE_ENTRIES);
  }

  /**
   * Runs `init()` (which may suspend), then starts `run()`; resolves once `run()` is under way.
   * @throws LuaBridgeError LAPPS_ERR_LUA_START when `init()` fails.
   */
  async start(): Promise<void> {
    this.started = true;
    const init = await this.call('init');
    if (init === FAILED) {
      this.finish();
      throw new LuaBridgeError(
        'LAPPS_ERR_LUA_START',
        `${this.name}: init failed: ${this.core.runner.lastError}`,
      );
    }
    void this.call('run').then(() => this.finish());
  }

  /**
   * Makes `must_stop()` return true and wakes blocking module calls (an mqr `q:recv()` returns
   * `nil, "stopping"`); resolves when `run()` has returned.
   */
  stop(): Promise<void> {
    if (!this.stopRequested) {
      this.stopRequested = true;
      if (this.started) this.core.stopModules();
    }
    if (!this.started) this.finish();
    return this.finished;
  }

  private call(entry: 'init' | 'run'): Promise<Outcome> {
    this.core.runner.prepare(this.refs[entry], entry);
    const outcome = this.core.runner.run(0);
    if (outcome !== SUSPENDED) return Promise.resolve(outcome);
    return new Promise((resolve) => this.core.runner.onEnd(resolve));
  }

  private finish(): void {
    this.core.close();
    this.resolveFinished();
  }
}
