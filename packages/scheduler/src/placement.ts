/**
 * Where service instances run: round-robin over the worker processes with one cursor for all
 * services, so that several one-instance services spread over the workers instead of piling onto
 * worker 0. Every process computes the same placement from the same configuration.
 */
import { SchedulerError } from './scheduler-error.js';

export interface PlacedInstance {
  readonly service: string;
  readonly instance: number;
}

export interface Placement {
  readonly workers: number;
  /** The instances of each worker, in configuration order. */
  readonly byWorker: readonly (readonly PlacedInstance[])[];
  /** The workers that run at least one instance of `service`, ascending. */
  workersOf(service: string): readonly number[];
  /** One line per worker: `worker 0: echo#0, time_broadcast#0`. */
  describe(): string;
}

export function placeInstances(
  services: readonly { name: string; instances: number }[],
  workers: number,
): Placement {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new SchedulerError(
      'LAPPS_ERR_SCHED_ARGUMENT',
      `workers must be an integer >= 1, got ${workers}`,
    );
  }
  const byWorker: PlacedInstance[][] = Array.from({ length: workers }, () => []);
  const where = new Map<string, Set<number>>();
  let cursor = 0;
  for (const { name, instances } of services) {
    if (!Number.isInteger(instances) || instances < 1) {
      throw new SchedulerError(
        'LAPPS_ERR_SCHED_ARGUMENT',
        `service ${name}: instances must be an integer >= 1, got ${instances}`,
      );
    }
    const set = where.get(name) ?? new Set<number>();
    where.set(name, set);
    for (let instance = 0; instance < instances; instance++) {
      byWorker[cursor]!.push({ service: name, instance });
      set.add(cursor);
      cursor = (cursor + 1) % workers;
    }
  }
  const sorted = new Map([...where].map(([name, set]) => [name, [...set].sort((a, b) => a - b)]));
  return {
    workers,
    byWorker,
    workersOf: (service) => sorted.get(service) ?? [],
    describe: () =>
      byWorker
        .map(
          (list, i) =>
            `worker ${i}: ${list.length === 0 ? '(no instances)' : list.map((p) => `${p.service}#${p.instance}`).join(', ')}`,
        )
        .join('\n'),
  };
}
