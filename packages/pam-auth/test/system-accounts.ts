/**
 * Throwaway system accounts and a PAM service file for the real-PAM tests (root only): users
 * named `lappstest<hex>` and /etc/pam.d/lapps-test-<hex>, removed afterwards, and leftovers of
 * earlier crashed runs removed before.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PAM_DIR = '/etc/pam.d';
const USER_PREFIX = 'lappstest';
const SERVICE_PREFIX = 'lapps-test-';

export interface TestAccounts {
  /** A user with `password`. */
  readonly user: string;
  /** A user with `password` whose account expired (usermod -e 1). */
  readonly expiredUser: string;
  readonly password: string;
  /** A PAM service: pam_unix for auth and account, `nodelay` (the delay is ours, on a timer). */
  readonly service: string;
  /** Removes the users and the service file (idempotent). */
  remove(): void;
}

function run(command: string, args: string[], input?: string): void {
  execFileSync(command, args, { input, stdio: ['pipe', 'ignore', 'pipe'] });
}

function deleteUser(user: string): void {
  try {
    run('userdel', [user]);
  } catch {
    // Already gone.
  }
}

/** Removes the users and service files of earlier runs that did not clean up. */
export function removeLeftovers(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const name = line.split(':')[0] ?? '';
    if (new RegExp(`^${USER_PREFIX}[0-9a-f]+x?$`).test(name)) deleteUser(name);
  }
  for (const file of readdirSync(PAM_DIR)) {
    if (file.startsWith(SERVICE_PREFIX)) unlinkSync(join(PAM_DIR, file));
  }
}

export function createTestAccounts(): TestAccounts {
  const id = randomBytes(4).toString('hex');
  const user = `${USER_PREFIX}${id}`;
  const expiredUser = `${USER_PREFIX}${id}x`;
  const password = `S3cr3t-${randomBytes(6).toString('base64url')}`;
  const service = `${SERVICE_PREFIX}${id}`;
  const servicePath = join(PAM_DIR, service);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    deleteUser(user);
    deleteUser(expiredUser);
    if (existsSync(servicePath)) unlinkSync(servicePath);
  };
  try {
    for (const name of [user, expiredUser]) {
      run('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', name]);
      run('chpasswd', [], `${name}:${password}\n`);
    }
    run('usermod', ['--expiredate', '1', expiredUser]);
    writeFileSync(
      servicePath,
      '# @lapps/pam-auth tests (removed after the run)\n' +
        'auth    required pam_unix.so nodelay\n' +
        'account required pam_unix.so\n',
    );
  } catch (error) {
    remove();
    throw error;
  }
  return { user, expiredUser, password, service, remove };
}
