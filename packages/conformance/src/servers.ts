import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { certificates } from './certificates.js';

/** A server under test: where it listens and how to stop it. */
export interface ServerUnderTest {
  name: string;
  /** `ws://127.0.0.1:PORT` or `wss://...` */
  url: string;
  host: string;
  port: number;
  secure: boolean;
  /** The echo endpoint's path. */
  path: string;
  /** The server process's pid (ours), for CPU and memory readings; undefined in-process. */
  pid: number | undefined;
  /** What the process printed so far (ours). */
  output(): string;
  /** Stops it; resolves with the exit code (ours) or 0. */
  stop(): Promise<number | null>;
}

const cli = fileURLToPath(new URL('../../../apps/lapps-server/dist/cli.js', import.meta.url));

export interface LappsOptions {
  tls?: boolean;
  /** Extra ws.json keys (merged over the defaults below). */
  ws?: Record<string, unknown>;
  /** Extra keys for the echo service entry in lapps.json. */
  echo?: Record<string, unknown>;
}

/**
 * Starts the real `lapps` command (apps/lapps-server/dist/cli.js, built by turbo before the tests)
 * on a fresh configuration: an echo service at /echo, port chosen by the system.
 */
export async function startLapps(options: LappsOptions = {}): Promise<ServerUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'lapps-conformance-'));
  const tls = options.tls ?? false;
  const certs = tls ? certificates() : undefined;
  const ws = {
    ip: '127.0.0.1',
    port: 0,
    workers: { workers: 1, max_connections: 100000 },
    connections: { max_per_ip: 100000 },
    log: { level: 'warn', pretty: false },
    ...(certs ? { tls: true, tls_certificates: { cert: certs.cert, key: certs.key } } : {}),
    ...options.ws,
  };
  const lapps = {
    services: {
      echo: {
        standalone: false,
        instances: 1,
        auto_start: true,
        request_target: '/echo',
        protocol: 'raw',
        max_inbound_message_size: 16 * 1024 * 1024,
        ...options.echo,
      },
    },
  };
  writeFileSync(join(dir, 'ws.json'), JSON.stringify(ws));
  writeFileSync(join(dir, 'lapps.json'), JSON.stringify(lapps));
  const child = spawn(process.execPath, [cli, 'start', '--conf-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`lapps did not start within 15 s:\n${output}`)),
      15000,
    );
    const check = () => {
      const match = /listening on (wss?:\/\/[^\s"]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lapps exited with ${code} before listening:\n${output}`));
    });
  });
  const port = Number(new URL(url).port);
  return {
    name: tls ? 'lapps (TLS)' : 'lapps',
    url,
    host: '127.0.0.1',
    port,
    secure: tls,
    path: '/echo',
    pid: child.pid,
    output: () => output,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** A `ws` echo server in this process: the calibration target. */
export async function startWsEcho(options: { tls?: boolean } = {}): Promise<ServerUnderTest> {
  const tls = options.tls ?? false;
  const certs = tls ? certificates() : undefined;
  const https = certs
    ? createHttpsServer({
        cert: await import('node:fs').then((fs) => fs.readFileSync(certs.cert)),
        key: await import('node:fs').then((fs) => fs.readFileSync(certs.key)),
      })
    : undefined;
  const wss = https
    ? new WebSocketServer({
        server: https,
        path: '/echo',
        perMessageDeflate: false,
        maxPayload: 16 * 1024 * 1024,
      })
    : new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        path: '/echo',
        perMessageDeflate: false,
        maxPayload: 16 * 1024 * 1024,
      });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('error', () => {});
  });
  if (https) await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  else await new Promise<void>((resolve) => wss.once('listening', resolve));
  const address = (https ? https.address() : wss.address()) as { port: number };
  return {
    name: tls ? 'ws (TLS)' : 'ws',
    url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${address.port}`,
    host: '127.0.0.1',
    port: address.port,
    secure: tls,
    path: '/echo',
    pid: undefined,
    output: () => '',
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (https) await new Promise<void>((resolve) => https.close(() => resolve()));
      return 0;
    },
  };
}
