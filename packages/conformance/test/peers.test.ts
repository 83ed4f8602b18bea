import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { certificates } from '../src/certificates.js';
import { type ServerUnderTest, startLapps } from '../src/servers.js';

// Independent peers: implementations that share no code with ours (Python's `websockets`,
// Chromium's WebSocket). scripts/setup.sh installs them (python3-websockets, chromium).

// Overridable (e.g. to check the missing-peer path): LAPPS_PEER_PYTHON, LAPPS_PEER_CHROMIUM.
const PYTHON = process.env.LAPPS_PEER_PYTHON ?? '/usr/bin/python3';
const CHROMIUM = process.env.LAPPS_PEER_CHROMIUM ?? '/usr/bin/chromium';
const PEER_TIMEOUT_MS = 30000;
const inCi = process.env.CI === 'true';

function pythonWebsockets(): string | undefined {
  try {
    return execFileSync(PYTHON, ['-c', 'import websockets; print(websockets.__version__)'], {
      timeout: 10000,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/** In CI a missing peer fails the run; elsewhere the case is skipped with a note. */
function peerCase(
  name: string,
  available: boolean,
  missing: string,
  body: () => Promise<void>,
  timeout: number,
): void {
  if (available) it(name, body, timeout);
  else if (inCi)
    it(name, () => {
      throw new Error(`${missing} is not installed: run scripts/setup.sh as root (CI=true)`);
    });
  else {
    console.warn(`peers: skipping "${name}": ${missing} is not installed (scripts/setup.sh)`);
    it.skip(`${name} (skipped: ${missing} missing)`, body);
  }
}

interface PythonResults {
  error?: string;
  version?: string;
  text?: boolean;
  binary?: boolean;
  big?: boolean;
  bigLength?: number;
  closeCode?: number;
  closed?: boolean;
}

function runPython(uri: string, ca: string | undefined): Promise<PythonResults> {
  const script = fileURLToPath(new URL('./peers/python_client.py', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, uri, ...(ca ? [ca] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`python peer did not finish in ${PEER_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`),
      );
    }, PEER_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as PythonResults);
      } catch {
        reject(new Error(`python peer printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

async function withServer(tls: boolean, body: (server: ServerUnderTest) => Promise<void>) {
  const server = await startLapps({ tls });
  try {
    await body(server);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}

const pythonVersion = pythonWebsockets();

describe('Python websockets as a peer', () => {
  for (const tls of [false, true]) {
    peerCase(
      `echoes text, binary and 1 MiB and completes a 4000 close handshake${tls ? ' over TLS' : ''}`,
      pythonVersion !== undefined,
      `Python's websockets (${PYTHON}, Debian python3-websockets)`,
      () =>
        withServer(tls, async (server) => {
          const results = await runPython(
            `${server.url}${server.path}`,
            tls ? certificates().ca : undefined,
          );
          expect(results.error, server.output()).toBeUndefined();
          expect(results).toMatchObject({
            text: true,
            binary: true,
            big: true,
            bigLength: 1024 * 1024,
            closeCode: 4000,
            closed: true,
          });
        }),
      PEER_TIMEOUT_MS + 15000,
    );
  }
});

interface BrowserResults {
  done?: boolean;
  error?: string;
  open?: boolean;
  text?: boolean;
  binary?: boolean;
  big?: boolean;
  bigLength?: number;
  closeCode?: number;
  wasClean?: boolean;
  errorEvent?: boolean;
}

/** Serves the page and waits for its POST /result; Chromium is killed whatever happens. */
async function runChromium(endpoint: string): Promise<BrowserResults> {
  const page = readFileSync(new URL('./peers/browser_client.html', import.meta.url));
  let deliver: (results: BrowserResults) => void = () => {};
  const delivered = new Promise<BrowserResults>((resolve) => {
    deliver = resolve;
  });
  const http: Server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/result') {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        response.end('ok');
        try {
          const results = JSON.parse(body) as BrowserResults;
          if (results.done) deliver(results);
        } catch {
          deliver({ done: true, error: `unparsable result: ${body}` });
        }
      });
      return;
    }
    if (request.url?.startsWith('/?') || request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
      return;
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  const profile = mkdtempSync(join(tmpdir(), 'lapps-chromium-'));
  let chromium: ChildProcess | undefined;
  let output = '';
  try {
    chromium = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        `http://127.0.0.1:${port}/?ws=${encodeURIComponent(endpoint)}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    chromium.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    chromium.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<BrowserResults>((resolve) =>
      chromium?.once('exit', (code) =>
        resolve({ done: true, error: `chromium exited early (${code}):\n${output.slice(-2000)}` }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<BrowserResults>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            done: true,
            error: `no result from chromium in ${PEER_TIMEOUT_MS} ms:\n${output.slice(-2000)}`,
          }),
        PEER_TIMEOUT_MS,
      );
    });
    const results = await Promise.race([delivered, exited, timeout]);
    clearTimeout(timer);
    return results;
  } finally {
    if (chromium?.pid !== undefined && chromium.exitCode === null) {
      const gone = new Promise((resolve) => chromium?.once('exit', resolve));
      try {
        process.kill(-chromium.pid, 'SIGKILL'); // the whole process group: renderer, zygote...
      } catch {
        chromium.kill('SIGKILL');
      }
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    await new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    });
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}

describe('headless Chromium as a peer', () => {
  peerCase(
    'echoes text, an ArrayBuffer and 1 MiB and closes cleanly with 4001',
    existsSync(CHROMIUM),
    `Chromium (${CHROMIUM}, Debian chromium)`,
    () =>
      withServer(false, async (server) => {
        const results = await runChromium(`ws://127.0.0.1:${server.port}${server.path}`);
        expect(results.error, server.output()).toBeUndefined();
        expect(results).toMatchObject({
          open: true,
          text: true,
          binary: true,
          big: true,
          bigLength: 1024 * 1024,
          closeCode: 4001,
          wasClean: true,
        });
      }),
    PEER_TIMEOUT_MS + 15000,
  );
});
