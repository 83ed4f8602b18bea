import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PamAuthenticator } from '../src/index.js';
import { FakeBinding } from './fake-binding.js';
import { type LogLine, closeServices, luaService } from './lua-harness.js';

const SECRET = 'S3cr3t-XYZ';

afterEach(closeServices);

function fake(binding: FakeBinding, dir: string) {
  return new PamAuthenticator({
    binding,
    serviceDirs: [dir],
    shadowPath: null,
    minFailureDelayMs: 100,
  });
}

function pamDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pam-auth-dir-'));
  writeFileSync(join(dir, 'svc'), 'auth required pam_unix.so\n');
  return dir;
}

describe('the Lua module pam_auth', () => {
  it('returns true, or false and a generic message, yielding while PAM works', async () => {
    const binding = new FakeBinding({ alice: { password: SECRET } }, { known: 20 });
    const { run } = await luaService(fake(binding, pamDir()));
    expect(await run(`return pam_auth:login('svc', 'alice', '${SECRET}')`)).toBe('true');
    expect(await run(`return pam_auth.login('svc', 'alice', '${SECRET}')`)).toBe('true');
    expect(await run(`return pam_auth:login('svc', 'alice', 'nope')`)).toBe(
      'false|authentication failed',
    );
    expect(await run(`return pam_auth:login('svc', 'bob', 'nope', '203.0.113.5')`)).toBe(
      'false|authentication failed',
    );
    expect(binding.calls.at(-1)).toMatchObject({ user: 'bob', remoteHost: '203.0.113.5' });
    expect(await run(`return require('pam_auth') == pam_auth, tostring(pam_auth)`)).toBe(
      'true|pam_auth',
    );
  });

  it('returns a usage message for empty or non-string arguments', async () => {
    const binding = new FakeBinding({ alice: { password: SECRET } });
    const { run } = await luaService(fake(binding, pamDir()));
    const usage = 'usage: pam_auth:login(service, user, password)';
    expect(await run(`return pam_auth:login('svc', 'alice')`)).toBe(
      `false|${usage}: password must be a non-empty string`,
    );
    expect(await run(`return pam_auth:login('svc', 42, 'x')`)).toBe(
      `false|${usage}: user must be a non-empty string`,
    );
    expect(await run(`return pam_auth:login(nil, 'alice', 'x')`)).toBe(
      `false|${usage}: service must be a non-empty string`,
    );
    expect(await run(`return pam_auth:login('', 'alice', 'x')`)).toBe(
      `false|${usage}: service must be a non-empty string`,
    );
    expect(await run(`return pam_auth:login('svc', 'alice', 'x', {})`)).toBe(
      `false|${usage}: client address must be a string when given`,
    );
    expect(binding.calls).toHaveLength(0);
  });

  it('logs the PAM code of a refusal, never the password', async () => {
    const lines: LogLine[] = [];
    const binding = new FakeBinding({ alice: { password: SECRET, expired: true } });
    const { run } = await luaService(fake(binding, pamDir()), lines);
    expect(await run(`return pam_auth:login('svc', 'alice', '${SECRET}')`)).toBe(
      'false|authentication failed',
    );
    expect(await run(`return pam_auth:login('svc', 'alice', '${SECRET}x')`)).toBe(
      'false|authentication failed',
    );
    const refusals = lines.filter((l) => l.message.startsWith('pam_auth:'));
    expect(refusals[0]).toMatchObject({
      level: 'info',
      message: 'pam_auth: login refused (PAM_ACCT_EXPIRED)',
      fields: { service: 'svc', user: 'alice', code: 'LAPPS_ERR_PAM_AUTH_FAILED', pamCode: 13 },
    });
    expect(JSON.stringify(lines)).not.toContain('S3cr3t');
  });

  it('fails the start of a service that preloads it when PAM is unusable', async () => {
    const authenticator = new PamAuthenticator({
      binding: new FakeBinding({}),
      shadowPath: join(tmpdir(), 'no-such-shadow-file'),
    });
    await expect(luaService(authenticator)).rejects.toThrow(
      /pam_auth: PAM is unusable: .*cannot read .*root or in group shadow/,
    );
  });
});
