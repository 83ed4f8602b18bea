import type { PamBinding, PamRequest } from '../src/index.js';

/** PAM codes the fake returns. */
export const PAM_SUCCESS = 0;
export const PAM_AUTH_ERR = 7;
export const PAM_USER_UNKNOWN = 10;
export const PAM_ACCT_EXPIRED = 13;

export interface FakeAccount {
  readonly password: string;
  readonly expired?: boolean;
}

/**
 * A PAM stand-in: known accounts, a delay per outcome (an unknown user answers faster than a
 * wrong password, as real modules may), and a record of the calls and of the concurrency seen.
 */
export class FakeBinding implements PamBinding {
  readonly calls: PamRequest[] = [];
  active = 0;
  maxActive = 0;
  /** When set, every call waits for `release()` (to hold slots). */
  private held: Array<() => void> | undefined;

  constructor(
    private readonly accounts: Record<string, FakeAccount>,
    private readonly delays: { known?: number; unknown?: number } = {},
  ) {}

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  async authenticate(request: PamRequest): Promise<number> {
    this.calls.push(request);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.held !== undefined) {
        const held = this.held;
        await new Promise<void>((resolve) => held.push(resolve));
      }
      const account = this.accounts[request.user];
      const wait = account === undefined ? (this.delays.unknown ?? 0) : (this.delays.known ?? 0);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (account === undefined) return PAM_USER_UNKNOWN;
      if (account.password !== request.password) return PAM_AUTH_ERR;
      if (account.expired === true) return PAM_ACCT_EXPIRED;
      return PAM_SUCCESS;
    } finally {
      this.active -= 1;
    }
  }
}

/** Milliseconds `promise` takes, and its value. */
/** Times `work` from before it starts (login's own clock starts inside its first synchronous part). */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}
