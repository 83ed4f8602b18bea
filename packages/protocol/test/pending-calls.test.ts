import { describe, expect, it } from 'vitest';
import { type PendingCall, PendingCalls } from '../src/pending-calls.js';

function call(id: number): PendingCall & { id: number } {
  return { id, resolve: () => {}, reject: () => {}, timer: undefined, settled: false };
}

describe('PendingCalls', () => {
  it('is first in, first out, across refills', () => {
    const queue = new PendingCalls();
    const a = call(1);
    const b = call(2);
    const c = call(3);
    queue.push(a);
    queue.push(b);
    expect(queue.shift()).toBe(a);
    queue.push(c);
    expect(queue.size).toBe(2);
    expect(queue.shift()).toBe(b);
    expect(queue.shift()).toBe(c);
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  it('drains the waiting calls in order', () => {
    const queue = new PendingCalls();
    const calls = [call(1), call(2), call(3)];
    for (const c of calls) queue.push(c);
    queue.shift();
    expect(queue.drain()).toEqual(calls.slice(1));
    expect(queue.size).toBe(0);
  });
});
