import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type PamAuthEvent,
  PamAuthError,
  PamAuthenticator,
  type PamAuthenticatorOptions,
  type PamLoginResult,
  pamCodeName,
} from '../src/index.js';
import { FakeBinding, timed } from './fake-binding.js';

const SECRET = 'S3cr3t-XYZ';

/** A PAM service directory holding the service file 'svc'. */
function serviceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pam-auth-'));
  writeFileSync(join(dir, 'svc'), 'auth required pam_unix.so\n');
  return dir;
}

function authenticator(
  binding: FakeBinding,
  options: Partial<PamAuthenticatorOptions> = {},
  events: PamAuthEvent[] = [],
): PamAuthenticator {
  return new PamAuthenticator({
    binding,
    serviceDirs: [serviceDir()],
    shadowPath: null,
    minFailureDelayMs: 150,
    log: (event) => events.push(event),
    ...options,
  });
}

function accounts(): FakeBinding {
  return new FakeBinding(
    { alice: { password: SECRET }, old: { password: SECRET, expired: true } },
    { known: 30, unknown: 1 },
  );
}

describe('PamAuthenticator.login', () => {
  it('accepts the right password at once and refuses the others after the delay', async () => {
    const binding = accounts();
    // Bounds far apart, for busy CI machines: success after PAM's 30 ms, failure after 600 ms.
    const auth = authenticator(binding, { minFailureDelayMs: 600 });
    const ok = await timed(() => auth.login('svc', 'alice', SECRET));
    expect(ok.value).toEqual({ ok: true });
    expect(ok.ms).toBeLessThan(400);
    const wrong = await timed(() => auth.login('svc', 'alice', 'nope'));
    expect(wrong.value).toEqual({
      ok: false,
      reason: 'authentication failed',
      code: 'LAPPS_ERR_PAM_AUTH_FAILED',
      pamCode: 7,
      pamName: 'PAM_AUTH_ERR',
    });
    expect(wrong.ms).toBeGreaterThanOrEqual(598);
    const expired = await auth.login('svc', 'old', SECRET);
    expect(expired).toMatchObject({ ok: false, reason: 'authentication failed' });
    expect(expired.ok === false && expired.pamName).toBe('PAM_ACCT_EXPIRED');
    expect(binding.calls[0]).toEqual({ service: 'svc', user: 'alice', password: SECRET });
  });

  it('takes the same time for an unknown user as for a wrong password', async () => {
    const auth = authenticator(accounts(), { minFailureDelayMs: 200 });
    // PAM answers in 1 ms for the unknown user and in 30 ms for the wrong password.
    const [unknown, wrong] = await Promise.all([
      timed(() => auth.login('svc', 'mallory', 'x')),
      timed(() => auth.login('svc', 'alice', 'x')),
    ]);
    expect(unknown.value).toMatchObject({ ok: false, reason: 'authentication failed' });
    expect(wrong.value).toMatchObject({ ok: false, reason: 'authentication failed' });
    expect(unknown.ms).toBeGreaterThanOrEqual(198);
    expect(wrong.ms).toBeGreaterThanOrEqual(198);
    // Both end on the same 200 ms timer; the tolerance only absorbs a busy machine's timer lag.
    expect(Math.abs(unknown.ms - wrong.ms)).toBeLessThan(100);
  });

  it('fails at once with a usage message for empty or non-string arguments', async () => {
    const binding = accounts();
    // A failure delay far above the bound below, for a loaded CI machine.
    const auth = authenticator(binding, { minFailureDelayMs: 1000 });
    const bad: unknown[][] = [
      ['', 'alice', SECRET],
      ['svc', '', SECRET],
      ['svc', 'alice', ''],
      [1, 'alice', SECRET],
      ['svc', null, SECRET],
      ['svc', 'alice', undefined],
      ['svc', 'alice', { toString: () => SECRET }],
      ['../shadow', 'alice', SECRET],
      ['svc', 'al\0ice', SECRET],
      ['svc', 'alice', `${SECRET}\0x`],
      ['svc', 'alice', 'x'.repeat(513)],
      ['svc', 'alice', SECRET, 42],
    ];
    for (const args of bad) {
      const { value, ms } = await timed(() =>
        (auth.login as (...a: unknown[]) => Promise<PamLoginResult>)(...args),
      );
      expect(value).toMatchObject({ ok: false, code: 'LAPPS_ERR_PAM_USAGE' });
      expect(value.ok === false && value.reason).toMatch(
        /^usage: pam_auth:login\(service, user, password\): /,
      );
      expect(ms).toBeLessThan(500); // at once: not after the 1000 ms failure delay
    }
    expect(binding.calls).toHaveLength(0);
  });

  it('refuses a service without a PAM file (PAM would fall back to "other")', async () => {
    const binding = accounts();
    const events: PamAuthEvent[] = [];
    const auth = authenticator(binding, {}, events);
    const { value, ms } = await timed(() => auth.login('other-svc', 'alice', SECRET));
    expect(value).toEqual({
      ok: false,
      reason: 'authentication failed',
      code: 'LAPPS_ERR_PAM_NO_SERVICE',
    });
    expect(ms).toBeGreaterThanOrEqual(148);
    expect(binding.calls).toHaveLength(0);
    expect(events[0]?.detail).toMatch(/no PAM service file 'other-svc'/);
  });

  it('reports a binding that fails as unavailable, after the delay', async () => {
    const auth = new PamAuthenticator({
      binding: {
        authenticate: () =>
          Promise.reject(new Error('node-linux-pam: Username should be a String')),
      },
      serviceDirs: null,
      shadowPath: null,
      minFailureDelayMs: 100,
    });
    const { value, ms } = await timed(() => auth.login('svc', 'alice', SECRET));
    expect(value).toEqual({
      ok: false,
      reason: 'authentication unavailable',
      code: 'LAPPS_ERR_PAM_UNAVAILABLE',
    });
    expect(ms).toBeGreaterThanOrEqual(98);
  });
});

describe('concurrency', () => {
  it('runs at most maxConcurrent PAM calls at once and queues the others in order', async () => {
    const binding = accounts();
    binding.hold();
    const auth = authenticator(binding, { maxConcurrent: 2 });
    const logins = Array.from({ length: 8 }, (_, i) =>
      auth.login('svc', 'alice', SECRET, `10.0.0.${i}`),
    );
    // Wait for the logins to reach PAM (a loaded machine may take a while), then for a moment
    // more: no third call may start.
    for (let i = 0; i < 500 && (binding.active < 2 || auth.load.queued < 6); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(binding.active).toBe(2);
    expect(auth.load).toEqual({ active: 2, queued: 6 });
    binding.release();
    // Later calls are no longer held.
    const results = await Promise.all(logins);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(binding.maxActive).toBe(2);
    // Beyond lockout.maxFailures (5) in flight for one user, the rest wait for results.
    expect(binding.calls.map((c) => c.remoteHost).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `10.0.0.${i}`),
    );
    expect(auth.load).toEqual({ active: 0, queued: 0 });
  });

  it('answers "busy" (after the delay) beyond maxQueued waiting logins', async () => {
    const binding = accounts();
    binding.hold();
    const auth = authenticator(binding, { maxConcurrent: 1, maxQueued: 2 });
    const first = [0, 1, 2].map(() => auth.login('svc', 'alice', SECRET));
    const busy = await timed(() => auth.login('svc', 'alice', SECRET));
    expect(busy.value).toEqual({
      ok: false,
      reason: 'busy; try again later',
      code: 'LAPPS_ERR_PAM_BUSY',
    });
    expect(busy.ms).toBeGreaterThanOrEqual(148);
    binding.release();
    expect((await Promise.all(first)).every((r) => r.ok)).toBe(true);
  });
});

describe('lockout', () => {
  const lockout = { maxFailures: 3, windowMs: 60_000, lockMs: 400 };

  it('locks a user after maxFailures: even the right password fails fast until the lock ends', async () => {
    const binding = accounts();
    // A lock long enough to outlast the failures' own delays on a busy machine.
    const auth = authenticator(binding, {
      lockout: { ...lockout, lockMs: 3000 },
      minFailureDelayMs: 600,
    });
    for (let i = 0; i < 3; i++) {
      expect(await auth.login('svc', 'alice', 'wrong', `10.0.0.${i}`)).toMatchObject({ ok: false });
    }
    expect(auth.isLocked('user', 'alice')).toBe(true);
    const calls = binding.calls.length;
    const locked = await timed(() => auth.login('svc', 'alice', SECRET, '10.9.9.9'));
    expect(locked.value).toEqual({
      ok: false,
      reason: 'too many failures; try again later',
      code: 'LAPPS_ERR_PAM_LOCKED_OUT',
    });
    expect(locked.ms).toBeLessThan(300); // at once: no PAM call, no 600 ms failure delay
    expect(binding.calls.length).toBe(calls);
    // Other users are not locked.
    expect(await auth.login('svc', 'old', 'wrong')).toMatchObject({
      code: 'LAPPS_ERR_PAM_AUTH_FAILED',
    });
    await new Promise((resolve) => setTimeout(resolve, 2020));
    expect(await auth.login('svc', 'alice', SECRET)).toEqual({ ok: true });
  });

  it('locks a client address after maxFailures across users', async () => {
    const auth = authenticator(accounts(), { lockout, minFailureDelayMs: 20 });
    for (const user of ['u1', 'u2', 'u3']) await auth.login('svc', user, 'x', '192.0.2.7');
    expect(auth.isLocked('address', '192.0.2.7')).toBe(true);
    expect(auth.isLocked('user', 'u1')).toBe(false);
    expect(await auth.login('svc', 'alice', SECRET, '192.0.2.7')).toMatchObject({
      code: 'LAPPS_ERR_PAM_LOCKED_OUT',
    });
    expect(await auth.login('svc', 'alice', SECRET, '192.0.2.8')).toEqual({ ok: true });
    expect(await auth.login('svc', 'alice', SECRET)).toEqual({ ok: true });
  });

  it('counts attempts in flight: a burst cannot pass more than maxFailures guesses to PAM', async () => {
    const binding = accounts();
    const auth = authenticator(binding, { lockout, minFailureDelayMs: 20 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => auth.login('svc', 'alice', `guess${i}`)),
    );
    expect(binding.calls).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.code === 'LAPPS_ERR_PAM_LOCKED_OUT')).toHaveLength(7);
  });

  it('a success clears the failures of the user', async () => {
    const auth = authenticator(accounts(), { lockout, minFailureDelayMs: 10 });
    for (let round = 0; round < 3; round++) {
      await auth.login('svc', 'alice', 'wrong');
      await auth.login('svc', 'alice', 'wrong');
      expect(await auth.login('svc', 'alice', SECRET)).toEqual({ ok: true });
    }
    expect(auth.isLocked('user', 'alice')).toBe(false);
  });
});

describe('secrecy', () => {
  it('never puts the password in a result, a log event or an error', async () => {
    const events: PamAuthEvent[] = [];
    const strings: string[] = [];
    const binding = accounts();
    const auth = authenticator(
      binding,
      { minFailureDelayMs: 5, lockout: { maxFailures: 2 } },
      events,
    );
    const throwing = new PamAuthenticator({
      binding: { authenticate: () => Promise.reject(new TypeError('Password should be a String')) },
      serviceDirs: null,
      shadowPath: null,
      minFailureDelayMs: 0,
      log: (event) => events.push(event),
    });
    const results = await Promise.all([
      auth.login('svc', 'alice', SECRET),
      auth.login('svc', 'alice', `${SECRET}-wrong`),
      auth.login('svc', 'nobody', SECRET, '198.51.100.1'),
      auth.login('svc', 'old', SECRET),
      auth.login('missing', 'alice', SECRET),
      auth.login('svc', 'alice', `${SECRET}\0`),
      auth.login('svc', '', SECRET),
      throwing.login('svc', 'alice', SECRET),
    ]);
    results.push(await auth.login('svc', 'nobody', SECRET, '198.51.100.1'));
    results.push(await auth.login('svc', 'nobody', SECRET, '198.51.100.1'));
    strings.push(JSON.stringify(results), JSON.stringify(events));
    for (const options of [
      { minFailureDelayMs: -1 },
      { maxConcurrent: 0 },
      { lockout: { maxFailures: 0.5 } },
    ]) {
      try {
        new PamAuthenticator(options);
      } catch (error) {
        strings.push(String(error), (error as Error).stack ?? '');
      }
    }
    expect(events.length).toBeGreaterThanOrEqual(10);
    expect(results.some((r) => !r.ok && r.code === 'LAPPS_ERR_PAM_LOCKED_OUT')).toBe(true);
    for (const text of strings) expect(text).not.toContain('S3cr3t');
  });
});

describe('check', () => {
  it('reports a missing shadow file and a binding that does not load', () => {
    const fine = new PamAuthenticator({ binding: accounts(), shadowPath: null });
    expect(fine.check()).toEqual({ usable: true });
    expect(() => fine.assertUsable()).not.toThrow();
    const noShadow = new PamAuthenticator({
      binding: accounts(),
      shadowPath: join(tmpdir(), 'no-such-shadow-file'),
    });
    const result = noShadow.check();
    expect(result.usable).toBe(false);
    expect(result.reason).toMatch(/cannot read .*no-such-shadow-file.*root or in group shadow/);
    let error: unknown;
    try {
      noShadow.assertUsable();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PamAuthError);
    expect((error as PamAuthError).code).toBe('LAPPS_ERR_PAM_UNAVAILABLE');
  });

  it('loads node-linux-pam when no binding is given (it is built at install time)', () => {
    const auth = new PamAuthenticator({ shadowPath: null });
    expect(auth.check()).toEqual({ usable: true });
  });

  it('rejects bad options with LAPPS_ERR_PAM_INVALID_OPTION', () => {
    for (const options of [
      { minFailureDelayMs: Number.NaN },
      { maxConcurrent: 0 },
      { maxQueued: 1.5 },
      { lockout: { lockMs: -1 } },
    ]) {
      expect(() => new PamAuthenticator(options)).toThrow(
        expect.objectContaining({ code: 'LAPPS_ERR_PAM_INVALID_OPTION' }),
      );
    }
  });

  it('names PAM codes', () => {
    expect(pamCodeName(0)).toBe('PAM_SUCCESS');
    expect(pamCodeName(13)).toBe('PAM_ACCT_EXPIRED');
    expect(pamCodeName(99)).toBe('PAM_UNKNOWN_CODE_99');
  });
});
