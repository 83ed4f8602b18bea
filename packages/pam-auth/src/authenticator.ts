/**
 * `PamAuthenticator`: checks a user's password and account with PAM (`pam_authenticate` then
 * `pam_acct_mgmt`) off the main thread, with the protections a network service needs:
 *
 * - every failure (wrong password, unknown user, expired account, busy, no such PAM service)
 *   resolves no earlier than `minFailureDelayMs` after the call started, so the time does not
 *   tell an unknown user from a wrong password; the wait is a timer, not a thread;
 * - at most `maxConcurrent` PAM transactions at once (each holds a libuv thread-pool thread),
 *   the next `maxQueued` wait in FIFO order, beyond that "busy";
 * - `lockout.maxFailures` failures within `lockout.windowMs` for a user, or from a client address,
 *   lock it for `lockout.lockMs`: attempts then fail at once ("too many failures; try again
 *   later") without asking PAM, even with the right password. Failing fast tells the caller that
 *   the lock is on, which is no secret; it says nothing about whether the user exists, since
 *   failures count alike for known and unknown users. Attempts in flight count too: beyond
 *   `maxFailures` of them for one user or address, the next ones wait for their results, so a
 *   burst of parallel guesses gets no more than `maxFailures` of them to PAM;
 * - empty or non-string arguments fail at once with a usage message;
 * - the password goes to the binding and nowhere else: no result, log event or error carries it.
 *
 * Results tell the user "authentication failed" whatever PAM said; the PAM code (e.g.
 * PAM_ACCT_EXPIRED) is in the result's `pamName` and in the `log` event, for the server's log.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PamBinding, loadNodeLinuxPam, pamCodeName } from './binding.js';
import { PamAuthError, type PamAuthErrorCode } from './errors.js';
import { ConcurrencyLimiter } from './limiter.js';
import { FailureTracker, type LockoutOptions } from './lockout.js';

export const DEFAULT_MIN_FAILURE_DELAY_MS = 1000;
export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_MAX_QUEUED = 100;
export const DEFAULT_LOCKOUT = { maxFailures: 5, windowMs: 10 * 60_000, lockMs: 5 * 60_000 };
/** Where Linux-PAM looks for service files (`/etc/pam.d`, then the vendor directory). */
export const DEFAULT_SERVICE_DIRS: readonly string[] = ['/etc/pam.d', '/usr/lib/pam.d'];
export const DEFAULT_SHADOW_PATH = '/etc/shadow';

/** PAM_MAX_RESP_SIZE: PAM modules refuse longer answers. */
const MAX_PASSWORD_BYTES = 512;
const MAX_USER_BYTES = 256;
const MAX_ADDRESS_BYTES = 256;
const SERVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;

export const USAGE = 'usage: pam_auth:login(service, user, password)';
export const REASON_FAILED = 'authentication failed';
export const REASON_LOCKED = 'too many failures; try again later';
export const REASON_BUSY = 'busy; try again later';
export const REASON_UNAVAILABLE = 'authentication unavailable';

export interface PamAuthenticatorOptions {
  /** Every failure resolves no earlier than this after the call. Default 1000 ms. */
  readonly minFailureDelayMs?: number;
  /** PAM transactions at once (each holds a libuv thread-pool thread while PAM works). Default 4. */
  readonly maxConcurrent?: number;
  /** Logins that may wait for a slot; beyond that they fail with "busy". Default 100. */
  readonly maxQueued?: number;
  /** Failures that lock a user or a client address, and for how long. */
  readonly lockout?: LockoutOptions;
  /** The PAM binding; default node-linux-pam (loaded on first use). Tests inject a fake one. */
  readonly binding?: PamBinding;
  /**
   * Directories of PAM service files. A service with no file in any of them is refused (Linux-PAM
   * would fall back to `other`, which on Debian is the common-* stack, i.e. any valid password).
   * When none of them exists (a system with /etc/pam.conf only), or with null, nothing is checked.
   */
  readonly serviceDirs?: readonly string[] | null;
  /** The file pam_unix must read; `check()` reports when the process cannot. null: not checked. */
  readonly shadowPath?: string | null;
  /** Called once per login, after its result is known: for the server's log. */
  readonly log?: (event: PamAuthEvent) => void;
}

/** What `login` resolves with. `reason` is what the user may be told. */
export type PamLoginResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly code: PamAuthErrorCode;
      /** PAM's return code, when PAM ran (for the server's log, not for the user). */
      readonly pamCode?: number;
      /** Its name, e.g. 'PAM_ACCT_EXPIRED'. */
      readonly pamName?: string;
    };

/** One login, for the server's log: never the password. */
export interface PamAuthEvent {
  readonly ok: boolean;
  /** The service, user and client address as given (strings only; usage errors may lack them). */
  readonly service?: string;
  readonly user?: string;
  readonly clientAddress?: string;
  readonly code?: PamAuthErrorCode;
  readonly pamCode?: number;
  readonly pamName?: string;
  /** What went wrong beyond the code (a binding error, the missing service file). */
  readonly detail?: string;
  /** From the call to the result, delay included. */
  readonly durationMs: number;
}

/** Whether PAM can work in this process, and if not why. */
export interface PamUsability {
  readonly usable: boolean;
  readonly reason?: string;
}

function positive(name: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new PamAuthError(
      'LAPPS_ERR_PAM_INVALID_OPTION',
      `PamAuthenticator: ${name} must be a finite number >= ${min}`,
    );
  }
  return value;
}

function integer(name: string, value: number | undefined, fallback: number, min: number): number {
  const n = positive(name, value, fallback, min);
  if (!Number.isInteger(n)) {
    throw new PamAuthError(
      'LAPPS_ERR_PAM_INVALID_OPTION',
      `PamAuthenticator: ${name} must be an integer`,
    );
  }
  return n;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}

/** Why an argument is unusable, or undefined. Never quotes the value. */
function checkArguments(
  service: unknown,
  user: unknown,
  password: unknown,
  clientAddress: unknown,
): string | undefined {
  if (typeof service !== 'string' || service === '') return 'service must be a non-empty string';
  if (!SERVICE_NAME.test(service)) {
    return 'service must be a PAM service name (letters, digits, . _ + -; at most 128)';
  }
  if (typeof user !== 'string' || user === '') return 'user must be a non-empty string';
  if (user.includes('\0') || Buffer.byteLength(user) > MAX_USER_BYTES) {
    return `user must have no NUL and at most ${MAX_USER_BYTES} bytes`;
  }
  if (typeof password !== 'string' || password === '') return 'password must be a non-empty string';
  if (password.includes('\0') || Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    return `password must have no NUL and at most ${MAX_PASSWORD_BYTES} bytes`;
  }
  if (clientAddress !== undefined) {
    if (typeof clientAddress !== 'string') return 'client address must be a string when given';
    if (clientAddress.includes('\0') || Buffer.byteLength(clientAddress) > MAX_ADDRESS_BYTES) {
      return `client address must have no NUL and at most ${MAX_ADDRESS_BYTES} bytes`;
    }
  }
  return undefined;
}

export class PamAuthenticator {
  readonly minFailureDelayMs: number;
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly lockout: Required<LockoutOptions>;
  private readonly limiter: ConcurrencyLimiter;
  private readonly failures: FailureTracker;
  private readonly injected: PamBinding | undefined;
  private readonly serviceDirs: readonly string[] | null;
  private readonly shadowPath: string | null;
  private readonly logEvent: ((event: PamAuthEvent) => void) | undefined;
  /** Logins waiting for an attempt in flight for their user or address to end. */
  private waitingForKeys = 0;

  constructor(options: PamAuthenticatorOptions = {}) {
    this.minFailureDelayMs = positive(
      'minFailureDelayMs',
      options.minFailureDelayMs,
      DEFAULT_MIN_FAILURE_DELAY_MS,
    );
    this.maxConcurrent = integer('maxConcurrent', options.maxConcurrent, DEFAULT_MAX_CONCURRENT, 1);
    this.maxQueued = integer('maxQueued', options.maxQueued, DEFAULT_MAX_QUEUED, 0);
    const lockout = options.lockout ?? {};
    this.lockout = {
      maxFailures: integer(
        'lockout.maxFailures',
        lockout.maxFailures,
        DEFAULT_LOCKOUT.maxFailures,
        1,
      ),
      windowMs: positive('lockout.windowMs', lockout.windowMs, DEFAULT_LOCKOUT.windowMs),
      lockMs: positive('lockout.lockMs', lockout.lockMs, DEFAULT_LOCKOUT.lockMs),
    };
    this.limiter = new ConcurrencyLimiter(this.maxConcurrent, this.maxQueued);
    this.failures = new FailureTracker(
      this.lockout.maxFailures,
      this.lockout.windowMs,
      this.lockout.lockMs,
      () => performance.now(),
    );
    this.injected = options.binding;
    this.serviceDirs =
      options.serviceDirs === undefined ? DEFAULT_SERVICE_DIRS : options.serviceDirs;
    this.shadowPath = options.shadowPath === undefined ? DEFAULT_SHADOW_PATH : options.shadowPath;
    this.logEvent = options.log;
  }

  /**
   * Whether PAM can work here: the binding loads, and the process can read the shadow file
   * (pam_unix checks other users' passwords only as root or in group `shadow`).
   */
  check(): PamUsability {
    const problems: string[] = [];
    try {
      this.binding();
    } catch (error) {
      problems.push(
        `the PAM binding is not usable (${errorText(error)}); it is compiled from source when ` +
          '`pnpm install` runs: install libpam0g-dev (Debian) and run `pnpm install` again',
      );
    }
    if (this.shadowPath !== null) {
      try {
        accessSync(this.shadowPath, constants.R_OK);
      } catch {
        const uid = typeof process.getuid === 'function' ? process.getuid() : 'unknown';
        problems.push(
          `the process (uid ${uid}) cannot read ${this.shadowPath}, so pam_unix cannot check ` +
            "other users' passwords: run the server as root or in group shadow " +
            '(usermod -a -G shadow <user>)',
        );
      }
    }
    return problems.length === 0
      ? { usable: true }
      : { usable: false, reason: problems.join('; ') };
  }

  /** Throws PamAuthError LAPPS_ERR_PAM_UNAVAILABLE when `check()` finds PAM unusable. */
  assertUsable(): void {
    const { usable, reason } = this.check();
    if (!usable) {
      throw new PamAuthError('LAPPS_ERR_PAM_UNAVAILABLE', `pam_auth: PAM is unusable: ${reason}`);
    }
  }

  /**
   * Logins holding a PAM slot now, and waiting (for a slot, or for an attempt in flight of their
   * user or address): for tests and metrics.
   */
  get load(): { readonly active: number; readonly queued: number } {
    return { active: this.limiter.inUse, queued: this.limiter.queued + this.waitingForKeys };
  }

  /** Whether a user or a client address is locked out now. */
  isLocked(kind: 'user' | 'address', value: string): boolean {
    return this.failures.isLocked(`${kind}:${value}`);
  }

  /**
   * Checks `password` for `user` with the PAM service `service` (a file in /etc/pam.d). Never
   * rejects. `clientAddress` (optional) counts toward the per-address lockout and is PAM_RHOST.
   */
  async login(
    service: string,
    user: string,
    password: string,
    clientAddress?: string,
  ): Promise<PamLoginResult> {
    const started = performance.now();
    const address = clientAddress === '' ? undefined : clientAddress;
    const who: Who = {
      ...(typeof service === 'string' ? { service } : {}),
      ...(typeof user === 'string' ? { user } : {}),
      ...(typeof address === 'string' ? { clientAddress: address } : {}),
    };
    const usage = checkArguments(service, user, password, address);
    if (usage !== undefined) {
      return this.finish(started, who, failure('LAPPS_ERR_PAM_USAGE', `${USAGE}: ${usage}`));
    }
    const keys = [`user:${user}`, ...(address === undefined ? [] : [`address:${address}`])];
    for (;;) {
      const admission = this.failures.tryBegin(keys);
      if (admission === 'admitted') break;
      if (admission === 'locked') {
        return this.finish(started, who, failure('LAPPS_ERR_PAM_LOCKED_OUT', REASON_LOCKED));
      }
      // This user or address has as many attempts in flight as failures left: wait for one.
      if (this.waitingForKeys >= this.maxQueued) {
        await this.delay(started);
        return this.finish(started, who, failure('LAPPS_ERR_PAM_BUSY', REASON_BUSY));
      }
      this.waitingForKeys += 1;
      try {
        await admission;
      } finally {
        this.waitingForKeys -= 1;
      }
    }
    let attempt: Attempt = failure('LAPPS_ERR_PAM_UNAVAILABLE', REASON_UNAVAILABLE);
    try {
      const release = await this.limiter.acquire();
      if (release === undefined) attempt = failure('LAPPS_ERR_PAM_BUSY', REASON_BUSY);
      else {
        try {
          attempt = await this.attempt(service, user, password, address);
        } finally {
          release();
        }
      }
    } finally {
      // Only PAM's own "no" counts toward a lock; a success clears the user's failures (not the
      // address's: one good account must not reset the count of guesses at others).
      const pamSaidNo = !attempt.ok && attempt.code === 'LAPPS_ERR_PAM_AUTH_FAILED';
      this.failures.end(keys[0]!, attempt.ok ? 'success' : pamSaidNo ? 'failure' : 'neutral');
      if (keys[1] !== undefined) this.failures.end(keys[1], pamSaidNo ? 'failure' : 'neutral');
    }
    if (!attempt.ok) await this.delay(started);
    return this.finish(started, who, attempt);
  }

  /** The PAM transaction itself (with a slot held). */
  private async attempt(
    service: string,
    user: string,
    password: string,
    address: string | undefined,
  ): Promise<Attempt> {
    let binding: PamBinding;
    try {
      binding = this.binding();
    } catch (error) {
      return failure('LAPPS_ERR_PAM_UNAVAILABLE', REASON_UNAVAILABLE, { detail: errorText(error) });
    }
    const missing = await this.missingServiceFile(service);
    if (missing !== undefined) {
      return failure('LAPPS_ERR_PAM_NO_SERVICE', REASON_FAILED, { detail: missing });
    }
    let pamCode: number;
    try {
      pamCode = await binding.authenticate({
        service,
        user,
        password,
        ...(address === undefined ? {} : { remoteHost: address }),
      });
    } catch (error) {
      return failure('LAPPS_ERR_PAM_UNAVAILABLE', REASON_UNAVAILABLE, { detail: errorText(error) });
    }
    if (pamCode === 0) return { ok: true };
    return failure('LAPPS_ERR_PAM_AUTH_FAILED', REASON_FAILED, { pamCode });
  }

  /** Waits (a timer: no thread) until `minFailureDelayMs` after `started`. */
  private async delay(started: number): Promise<void> {
    const remaining = started + this.minFailureDelayMs - performance.now();
    if (remaining > 0) await sleep(Math.ceil(remaining));
  }

  /** Logs the login and turns its outcome into the result. */
  private finish(started: number, who: Who, attempt: Attempt): PamLoginResult {
    const pam =
      attempt.ok || attempt.pamCode === undefined
        ? {}
        : { pamCode: attempt.pamCode, pamName: pamCodeName(attempt.pamCode) };
    if (this.logEvent !== undefined) {
      try {
        this.logEvent({
          ok: attempt.ok,
          ...who,
          ...(attempt.ok ? {} : { code: attempt.code }),
          ...pam,
          ...(attempt.ok || attempt.detail === undefined ? {} : { detail: attempt.detail }),
          durationMs: Math.round(performance.now() - started),
        });
      } catch {
        // A failing logger must not change the result.
      }
    }
    if (attempt.ok) return { ok: true };
    return { ok: false, reason: attempt.reason, code: attempt.code, ...pam };
  }

  private binding(): PamBinding {
    return this.injected ?? loadNodeLinuxPam();
  }

  /** Why `service` has no PAM file, or undefined when it has one (or nothing is checked). */
  private async missingServiceFile(service: string): Promise<string | undefined> {
    if (this.serviceDirs === null) return undefined;
    const dirs = this.serviceDirs.filter((dir) => isDirectory(dir));
    if (dirs.length === 0) return undefined;
    for (const dir of dirs) {
      try {
        if ((await stat(join(dir, service))).isFile()) return undefined;
      } catch {
        // Not there: the next directory.
      }
    }
    return `no PAM service file '${service}' in ${dirs.join(' or ')}`;
  }
}

type Who = { service?: string; user?: string; clientAddress?: string };

type Attempt =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: PamAuthErrorCode;
      readonly reason: string;
      readonly pamCode?: number;
      readonly detail?: string;
    };

function failure(
  code: PamAuthErrorCode,
  reason: string,
  extra: { pamCode?: number; detail?: string } = {},
): Attempt {
  return { ok: false, code, reason, ...extra };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
