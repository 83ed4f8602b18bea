// A real `lapps start` process from source, for the tests that need whole servers (several worker
// processes, several servers sharing a Redis): its conf dir, its JSON log lines, and WebSocket
// helpers. Test files put their tests in `describeServers`, which cleans up after each test.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, onTestFailed } from 'vitest';
import WebSocket from 'ws';

/**
 * The timeout of a test that starts whole servers: each is a primary and its workers, compiled
 * from source by tsx, and CI runs other packages' suites beside them on 2 cores.
 */
const PROCESS_TEST_TIMEOUT_MS = 40_000;

const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];
const sockets: WebSocket[] = [];

/**
 * A `describe` for tests that start whole servers: their longer timeout, and every server process
 * and socket the helpers opened killed or closed after each test.
 */
export function describeServers(name: string, body: () => void): void {
  describe(name, { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
    afterEach(cleanUpLapps);
    body();
  });
}

/** Polls `condition` every 50 ms; fails after `ms` (well before the test's own timeout). */
export async function waitUntil(
  what: string,
  condition: () => boolean,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills every server process (its whole group) and closes every socket the helpers opened. */
function cleanUpLapps(): void {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }
}

export interface LogLine {
  msg: string;
  worker?: number;
  service?: string;
  instance?: number;
}

/**
 * Starts `lapps start` on a temp conf dir: `sources` are the Lua services (name → code),
 * `services` the lapps.json entries, `ws` overrides of ws.json (2 workers by default).
 */
export function startLapps(
  sources: Record<string, string>,
  services: Record<string, object>,
  ws: Record<string, unknown> = {},
) {
  const root = mkdtempSync(join(tmpdir(), 'lapps-process-'));
  for (const [name, code] of Object.entries(sources)) {
    mkdirSync(join(root, 'apps', name), { recursive: true });
    writeFileSync(join(root, 'apps', name, `${name}.lua`), code);
  }
  mkdirSync(join(root, 'conf'));
  writeFileSync(
    join(root, 'conf', 'ws.json'),
    JSON.stringify({
      ip: '127.0.0.1',
      port: 0,
      workers: { workers: 2 },
      log: { level: 'info', pretty: false },
      shutdown_timeout_ms: 3000,
      ...ws,
    }),
  );
  writeFileSync(
    join(root, 'conf', 'lapps.json'),
    JSON.stringify({ directories: { applications: '../apps' }, services }),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', main, 'start', '--conf-dir', join(root, 'conf')],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  // A failed test (a timeout included) shows what the server logged: a hang on a CI machine is
  // otherwise a bare "timed out" with nothing to read.
  onTestFailed(() => {
    console.error(`lapps start (${root}) logged:\n${stdout}\nstderr:\n${stderr}`);
  });
  /** The JSON log lines so far (each worker writes whole lines). */
  const lines = (): LogLine[] =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const url = async (): Promise<string> => {
    let m: RegExpExecArray | null = null;
    await waitUntil('listening', () => {
      m = /listening on (ws:\/\/[^\s"]+)/.exec(stdout);
      return m !== null;
    });
    return m![1]!;
  };
  /** The first match of `pattern` in stdout, once it is there. */
  const waitFor = async (pattern: RegExp, ms = 15_000): Promise<RegExpExecArray> => {
    let m: RegExpExecArray | null = null;
    await waitUntil(
      String(pattern),
      () => {
        m = pattern.exec(stdout);
        return m !== null;
      },
      ms,
    );
    return m!;
  };
  const output = () => ({ stdout, stderr });
  return { child, exited, lines, waitUntil, waitFor, url, output, stdout: () => stdout };
}

/** A `ws` client (trusting `ca` for wss://), closed by `cleanUpLapps`. */
export async function connect(url: string, ca?: Buffer): Promise<WebSocket> {
  const ws = new WebSocket(url, ca === undefined ? {} : { ca });
  sockets.push(ws);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return ws;
}

/** Sends `text` and resolves with the next message; rejects if the connection closes first. */
export function ask(ws: WebSocket, text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      ws.off('close', onClose);
      resolve(String(data));
    };
    const onClose = (code: number) => {
      ws.off('message', onMessage);
      reject(new Error(`closed with ${code} before answering ${JSON.stringify(text)}`));
    };
    ws.once('message', onMessage).once('close', onClose);
    ws.send(text);
  });
}
