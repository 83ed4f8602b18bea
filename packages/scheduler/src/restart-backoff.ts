/** How long to wait before restarting a worker: doubling from `initialMs` up to `maxMs`, and back
 * to `initialMs` once a worker has stayed up `stableAfterMs` (a crash loop slows down; a rare
 * crash is repaired at once). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 10_000,
  stableAfterMs: 30_000,
};

export class RestartBackoff {
  private nextMs: number;

  constructor(private readonly options: BackoffOptions) {
    this.nextMs = options.initialMs;
  }

  /** The delay for a worker that ran for `uptimeMs` before it exited. */
  delayAfter(uptimeMs: number): number {
    if (uptimeMs >= this.options.stableAfterMs) this.nextMs = this.options.initialMs;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.options.maxMs, this.nextMs * 2);
    return delay;
  }
}
