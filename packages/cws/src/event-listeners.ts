/**
 * The listeners of one event type, in the browser's order: `on<type>` handlers and
 * addEventListener() callbacks interleaved in the order they were first registered (an `on<type>`
 * keeps its place when replaced, and loses it when set to null). A few dozen lines instead of
 * extending EventTarget: Node's EventTarget costs a DOM Event and a dispatch through its internals
 * per message, several times the cost of the message itself (see bench/).
 */

/** A callback, or an object with `handleEvent`, as addEventListener() takes them. */
export type Listener<E> = ((event: E) => void) | { handleEvent(event: E): void };

/** addEventListener()'s third argument: `{ once, signal }`, or the legacy `capture` boolean. */
export interface ListenerOptions {
  once?: boolean;
  /** Removes the listener when aborted. */
  signal?: AbortSignal;
  /** Accepted and ignored: a client has no tree to capture through. */
  capture?: boolean;
}

interface Entry<E> {
  listener: Listener<E>;
  readonly once: boolean;
  readonly isHandler: boolean;
  /** Set when removed, so a dispatch already iterating over it skips it (as the DOM does). */
  removed: boolean;
}

export class ListenerList<E> {
  // Replaced, never mutated: a dispatch iterates over the array it started with.
  private entries: readonly Entry<E>[] = [];
  private handler: Entry<E> | undefined;

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  add(listener: Listener<E>, options?: boolean | ListenerOptions): void {
    if (
      typeof listener !== 'function' &&
      (typeof listener !== 'object' ||
        listener === null ||
        typeof listener.handleEvent !== 'function')
    ) {
      return; // the DOM ignores null and non-callables; so do we
    }
    const once = typeof options === 'object' && options !== null && options.once === true;
    const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
    if (signal?.aborted) return;
    for (const entry of this.entries) {
      if (!entry.isHandler && entry.listener === listener) return; // registered once only
    }
    this.entries = [...this.entries, { listener, once, isHandler: false, removed: false }];
    signal?.addEventListener('abort', () => this.remove(listener), { once: true });
  }

  remove(listener: Listener<E>): void {
    const entry = this.entries.find((e) => !e.isHandler && e.listener === listener);
    if (entry !== undefined) this.drop(entry);
  }

  /** The `on<type>` property's value, or null. */
  get handlerValue(): ((event: E) => void) | null {
    return (this.handler?.listener as (event: E) => void) ?? null;
  }

  set handlerValue(value: unknown) {
    if (typeof value !== 'function') {
      if (this.handler !== undefined) this.drop(this.handler);
      this.handler = undefined;
      return;
    }
    if (this.handler !== undefined) {
      this.handler.listener = value as (event: E) => void;
      return;
    }
    this.handler = {
      listener: value as (event: E) => void,
      once: false,
      isHandler: true,
      removed: false,
    };
    this.entries = [...this.entries, this.handler];
  }

  /** Calls every listener with `event`, `this` being `target`. */
  dispatch(target: unknown, event: E): void {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.removed) continue;
      if (entry.once) this.drop(entry);
      const listener = entry.listener;
      try {
        if (typeof listener === 'function') listener.call(target, event);
        else listener.handleEvent(event);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  private drop(entry: Entry<E>): void {
    entry.removed = true;
    this.entries = this.entries.filter((e) => e !== entry);
  }
}

/**
 * A listener that throws must neither stop the other listeners nor reach the frame parser (whose
 * handlers must not throw). The browser reports such an error and goes on; Node's EventTarget
 * rethrows it on the next tick as an uncaught exception. We do the same: it is the caller's bug,
 * and swallowing it would hide it.
 */
function reportListenerError(error: unknown): void {
  process.nextTick(() => {
    throw error;
  });
}
