/**
 * A real redis-server for tests: started on a free loopback port with no persistence and a temp
 * dir, stopped (or killed and restarted on the same port) by the test. scripts/setup.sh installs
 * Debian's redis-server; LAPPS_REDIS_SERVER overrides the binary (e.g. to check the missing path).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';

const BINARY = process.env.LAPPS_REDIS_SERVER ?? 'redis-server';
const START_TIMEOUT_MS = 10_000;

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Shuts it down (SIGTERM, then SIGKILL) and removes its temp dir. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, as the clients see it. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`, or `stop` before the dir goes). */
  restart(): Promise<void>;
}

/** The redis-server version, or undefined when it is not installed. */
export function redisServerVersion(): string | undefined {
  try {
    return execFileSync(BINARY, ['--version'], {
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

export const redisAvailable = redisServerVersion() !== undefined;

/**
 * A test that needs redis-server: in CI (CI=true) a missing redis-server fails it; elsewhere it
 * is skipped with a note.
 */
export function redisCase(name: string, body: () => Promise<void>, timeout?: number): void {
  if (redisAvailable) it(name, body, timeout);
  else if (process.env.CI === 'true')
    it(name, () => {
      throw new Error(
        `redis-server is not installed (${BINARY}): run scripts/setup.sh as root (CI=true)`,
      );
    });
  else {
    console.warn(`redis: skipping "${name}": redis-server is not installed (scripts/setup.sh)`);
    it.skip(`${name} (skipped: redis-server missing)`, body);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something on `port` answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lapps-redis-'));
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const proc = spawn(
      BINARY,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    proc.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    proc.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    let spawnError: Error | undefined;
    proc.once('error', (error) => {
      spawnError = error;
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (spawnError !== undefined) throw spawnError;
      if (proc.exitCode !== null) {
        throw new Error(`redis-server exited (${proc.exitCode}) on port ${port}:\n${output}`);
      }
      if (await ping(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server did not answer PING on port ${port}:\n${output}`);
  };

  const signal = async (name: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined) return;
    const gone = exited(proc);
    proc.kill(name);
    if (name !== 'SIGKILL') {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    } else await gone;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGKILL');
      await launch();
    },
  };
}
