/**
 * Failure counting per key (a user, a client address): `maxFailures` failures within `windowMs`
 * lock the key for `lockMs`. Attempts in flight count as would-be failures: when the recorded
 * failures plus the attempts in flight reach `maxFailures`, the next attempt for that key waits
 * until one of them ends (a success clears the failures and lets it go; enough failures lock the
 * key and refuse it), so a burst of parallel guesses cannot slip past the limit before the first
 * failures are recorded, while a burst of good logins only queues. Entries expire on their own
 * (no timers); the table is bounded by `maxEntries`.
 */
export interface LockoutOptions {
  /** Failures (within `windowMs`) that lock a user or a client address. Default 5. */
  readonly maxFailures?: number;
  /** How far back failures count. Default 10 minutes. */
  readonly windowMs?: number;
  /** How long a lock lasts. Default 5 minutes. */
  readonly lockMs?: number;
}

interface Entry {
  /** Times of the recent failures, oldest first (at most maxFailures). */
  failures: number[];
  /** Attempts admitted and not yet finished. */
  pending: number;
  /** Attempts waiting for one in flight to end (woken by `end`). */
  waiters: Array<() => void>;
  /** Locked until this time (0: not locked). */
  lockedUntil: number;
}

export class FailureTracker {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly lockMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 100_000,
  ) {}

  /**
   * Admits an attempt for all of `keys` (counting it in flight for each), or says that one of
   * them is locked, or gives a promise that settles when an attempt in flight for a key without
   * room ends: then ask again.
   */
  tryBegin(keys: readonly string[]): 'admitted' | 'locked' | Promise<void> {
    const now = this.now();
    let full: Entry | undefined;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      this.expire(entry, now);
      if (entry.lockedUntil > now) return 'locked';
      if (full === undefined && entry.failures.length + entry.pending >= this.maxFailures) {
        full = entry;
      }
    }
    if (full !== undefined) {
      const entry = full;
      return new Promise((resolve) => entry.waiters.push(resolve));
    }
    for (const key of keys) this.entry(key).pending += 1;
    return 'admitted';
  }

  /** The attempt for `key` ended: a failure counts (and may lock), a success clears the failures. */
  end(key: string, outcome: 'success' | 'failure' | 'neutral'): void {
    const entry = this.entry(key);
    entry.pending = Math.max(0, entry.pending - 1);
    const waiters = entry.waiters.splice(0);
    const now = this.now();
    this.expire(entry, now);
    if (outcome === 'success') entry.failures = [];
    else if (outcome === 'failure') {
      entry.failures.push(now);
      if (entry.failures.length >= this.maxFailures) {
        entry.lockedUntil = now + this.lockMs;
        entry.failures = [];
      }
    }
    this.forgetIfIdle(key, entry, now);
    for (const wake of waiters) wake();
  }

  /** Whether `key` is locked now (for tests and diagnostics). */
  isLocked(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.lockedUntil > this.now();
  }

  /** How many keys are tracked (for tests). */
  get size(): number {
    return this.entries.size;
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) this.prune();
      entry = { failures: [], pending: 0, waiters: [], lockedUntil: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private expire(entry: Entry, now: number): void {
    const since = now - this.windowMs;
    let drop = 0;
    while (drop < entry.failures.length && (entry.failures[drop] ?? 0) <= since) drop += 1;
    if (drop > 0) entry.failures.splice(0, drop);
    if (entry.lockedUntil !== 0 && entry.lockedUntil <= now) entry.lockedUntil = 0;
  }

  private forgetIfIdle(key: string, entry: Entry, now: number): void {
    if (
      entry.pending === 0 &&
      entry.waiters.length === 0 &&
      entry.failures.length === 0 &&
      entry.lockedUntil <= now
    ) {
      this.entries.delete(key);
    }
  }

  /** Drops idle entries; if the table is still full, the oldest ones (a flood of new keys). */
  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      this.expire(entry, now);
      this.forgetIfIdle(key, entry, now);
    }
    const excess = this.entries.size - Math.floor(this.maxEntries * 0.9);
    if (excess <= 0) return;
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (dropped >= excess) break;
      if (entry.pending > 0 || entry.waiters.length > 0) continue;
      this.entries.delete(key);
      dropped += 1;
    }
  }
}
