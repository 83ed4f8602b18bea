import { describe, expect, it } from 'vitest';
import { placeInstances } from '../src/placement.js';
import { SchedulerError } from '../src/scheduler-error.js';

describe('placeInstances', () => {
  it('continues one round-robin cursor across services', () => {
    const p = placeInstances(
      [
        { name: 'a', instances: 1 },
        { name: 'b', instances: 1 },
        { name: 'c', instances: 1 },
      ],
      2,
    );
    expect(p.byWorker).toEqual([
      [
        { service: 'a', instance: 0 },
        { service: 'c', instance: 0 },
      ],
      [{ service: 'b', instance: 0 }],
    ]);
    expect(p.workers).toBe(2);
  });

  it('spreads the instances of one service and describes the result per worker', () => {
    const p = placeInstances(
      [
        { name: 'echo', instances: 3 },
        { name: 'time_broadcast', instances: 1 },
        { name: 'console', instances: 2 },
      ],
      2,
    );
    expect(p.describe()).toBe(
      ['worker 0: echo#0, echo#2, console#0', 'worker 1: echo#1, time_broadcast#0, console#1'].join(
        '\n',
      ),
    );
    expect(p.workersOf('echo')).toEqual([0, 1]);
    expect(p.workersOf('time_broadcast')).toEqual([1]);
    expect(p.workersOf('nope')).toEqual([]);
  });

  it('sorts workersOf and leaves idle workers visible', () => {
    const p = placeInstances(
      [
        { name: 'x', instances: 1 },
        { name: 'y', instances: 4 },
      ],
      4,
    );
    // y starts at worker 1 and wraps around to worker 0.
    expect(p.workersOf('y')).toEqual([0, 1, 2, 3]);
    const q = placeInstances([{ name: 'solo', instances: 1 }], 3);
    expect(q.describe()).toBe(
      'worker 0: solo#0\nworker 1: (no instances)\nworker 2: (no instances)',
    );
    expect(placeInstances([], 2).byWorker).toEqual([[], []]);
  });

  it('places everything on the only worker', () => {
    const p = placeInstances([{ name: 'echo', instances: 3 }], 1);
    expect(p.describe()).toBe('worker 0: echo#0, echo#1, echo#2');
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %s workers', (workers) => {
    const call = () => placeInstances([{ name: 'echo', instances: 1 }], workers);
    expect(call).toThrow(SchedulerError);
    expect(call).toThrow(/workers must be an integer >= 1/);
    try {
      call();
    } catch (error) {
      expect((error as SchedulerError).code).toBe('LAPPS_ERR_SCHED_ARGUMENT');
    }
  });

  it.each([0, -2, 2.5])('rejects %s instances, naming the service', (instances) => {
    const call = () => placeInstances([{ name: 'echo', instances }], 2);
    expect(call).toThrow(`service echo: instances must be an integer >= 1, got ${instances}`);
  });
});
