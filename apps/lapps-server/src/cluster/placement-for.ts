/** Where the configured services' instances run, for a given number of worker processes. */
import { type Placement, placeInstances } from '@lapps/scheduler';
import type { EffectiveConfig } from '../config/index.js';

/**
 * Every service's instances (network and standalone, the latter only when `auto_start`), spread
 * round-robin over `workers` processes in configuration order. Each process computes the same
 * placement from the same configuration, so no one has to send it.
 */
export function placementFor(config: EffectiveConfig, workers: number): Placement {
  return placeInstances(
    config.lapps.services
      .filter((s) => !s.standalone || s.auto_start)
      .map((s) => ({ name: s.name, instances: s.instances })),
    workers,
  );
}

/** The instance numbers of `service` that worker `index` runs. */
export function localInstances(placement: Placement, index: number, service: string): number[] {
  return (placement.byWorker[index] ?? [])
    .filter((p) => p.service === service)
    .map((p) => p.instance);
}
