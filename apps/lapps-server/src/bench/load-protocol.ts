/** The messages between `lapps bench` and its load processes (IPC, one request, one answer). */
import type { EchoLoadOptions, LoadSnapshot } from './echo-load.js';

export type LoadRequest =
  | { type: 'open'; options: EchoLoadOptions }
  | { type: 'reset' }
  | { type: 'sample' }
  | { type: 'final' }
  | { type: 'stop' };

/** A snapshot with the errors seen so far and, for `final`, the latency histogram. */
export interface LoadSample extends LoadSnapshot {
  errors: string[];
  histogram?: { pairs: [number, number][]; max: number };
}

export type LoadAnswer =
  | { type: 'opened'; opened: number; failed: number; errors: string[] }
  | { type: 'reset' }
  | { type: 'sample'; sample: LoadSample }
  | { type: 'final'; sample: LoadSample }
  | { type: 'stopped' };
