import { describe, expect, it } from 'vitest';
import { ListenerList } from '../src/event-listeners.js';

describe('ListenerList', () => {
  it('calls on<type> and listeners in the order they were first registered', () => {
    const list = new ListenerList<string>();
    const calls: string[] = [];
    list.add(() => calls.push('first'));
    list.handlerValue = () => calls.push('handler');
    list.add({ handleEvent: () => calls.push('object') });
    list.handlerValue = () => calls.push('handler replaced'); // keeps its place
    list.dispatch(undefined, 'e');
    expect(calls).toEqual(['first', 'handler replaced', 'object']);
    list.handlerValue = null;
    expect(list.handlerValue).toBeNull();
    calls.length = 0;
    list.dispatch(undefined, 'e');
    expect(calls).toEqual(['first', 'object']);
  });

  it('honours once, ignores duplicates, removes on abort', () => {
    const list = new ListenerList<number>();
    const seen: number[] = [];
    const listener = (n: number): void => {
      seen.push(n);
    };
    list.add(listener, { once: true });
    list.add(listener); // already there: ignored, as the DOM does
    const controller = new AbortController();
    const aborted = (n: number): void => {
      seen.push(-n);
    };
    list.add(aborted, { signal: controller.signal });
    controller.abort();
    list.dispatch(undefined, 1);
    list.dispatch(undefined, 2);
    expect(seen).toEqual([1]);
    expect(list.isEmpty).toBe(true);
  });

  it('skips a listener removed by an earlier one during the same dispatch', () => {
    const list = new ListenerList<void>();
    const calls: string[] = [];
    const second = (): void => {
      calls.push('second');
    };
    list.add(() => {
      calls.push('first');
      list.remove(second);
    });
    list.add(second);
    list.dispatch(undefined, undefined);
    expect(calls).toEqual(['first']);
  });

  it('passes the target as this', () => {
    const list = new ListenerList<void>();
    const target = {};
    let self: unknown;
    list.add(function (this: unknown) {
      self = this;
    });
    list.dispatch(target, undefined);
    expect(self).toBe(target);
  });
});
