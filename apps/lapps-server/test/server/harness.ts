import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';
import { LappsServer } from '../../src/server/lapps-server.js';
import type { RouteOptions, ServerOptions } from '../../src/server/options.js';
import type { ServiceFactory } from '../../src/server/service.js';
import type { TestCertificates } from './certificates.js';

export type Transport = 'plain' | 'tls';

export const echoRoute: RouteOptions = {
  name: 'echo',
  target: '/echo',
  instances: 2,
  maxMessageSize: 2 * 1024 * 1024,
  acl: { policy: 'allow', exclude: [] },
  extraHeaders: {},
  protoAlias: undefined,
  protocol: 'raw',
};

export function baseOptions(overrides: Partial<ServerOptions> = {}): ServerOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    tls: undefined,
    acl: { policy: 'allow', exclude: [] },
    maxConnections: 1000,
    maxConnectionsPerAddress: 1000,
    handshakeTimeoutMs: 2000,
    pingIntervalMs: 0,
    idleTimeoutMs: 60000,
    closeTimeoutMs: 1000,
    maxOutboundBuffer: 4 * 1024 * 1024,
    maxHeaderBytes: 8192,
    maxHeaders: 100,
    autoFragment: false,
    shutdownTimeoutMs: 2000,
    services: [echoRoute],
    ...overrides,
  };
}

/** Starts a server over the given transport; `certs` is needed for TLS. */
export async function startServer(
  transport: Transport,
  certs: TestCertificates | undefined,
  overrides: Partial<ServerOptions> = {},
  services?: ReadonlyMap<string, ServiceFactory>,
): Promise<LappsServer> {
  const options = baseOptions(overrides);
  if (transport === 'tls') {
    if (certs === undefined) throw new Error('TLS tests need certificates');
    options.tls = { files: { cert: certs.cert, key: certs.key }, minVersion: 'TLSv1.2' };
  }
  return LappsServer.start(options, services === undefined ? {} : { services });
}

/** A `ws` client that trusts the test CA. */
export function client(
  server: LappsServer,
  path: string,
  certs: TestCertificates | undefined,
  options: WebSocket.ClientOptions = {},
  protocols?: string | string[],
): WebSocket {
  return new WebSocket(`${server.url}${path}`, protocols, { ca: certs?.caPem, ...options });
}

export function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data: Buffer, isBinary) => resolve({ data, isBinary }));
    ws.once('error', reject);
  });
}

/** A raw socket to the server (plain or TLS trusting the test CA). */
export function rawConnect(
  server: LappsServer,
  certs: TestCertificates | undefined,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      certs === undefined || !server.url.startsWith('wss')
        ? net.connect(server.port, '127.0.0.1', () => resolve(socket))
        : tls.connect(
            { port: server.port, host: '127.0.0.1', ca: certs.caPem, servername: 'localhost' },
            () => resolve(socket),
          );
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection (bounded by `timeoutMs`). */
export function readUntilClosed(socket: net.Socket, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `the server did not close within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`,
        ),
      );
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

export function upgradeRequest(
  path: string,
  extra: string[] = [],
  overrides: Record<string, string | null> = {},
): string {
  const headers: Record<string, string | null> = {
    Host: 'localhost',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...overrides,
  };
  const lines = Object.entries(headers)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}: ${value}`);
  return `GET ${path} HTTP/1.1\r\n${[...lines, ...extra].join('\r\n')}\r\n\r\n`;
}

/** A masked client frame, written from RFC 6455 5.2 (for raw-socket tests). */
export function clientFrame(opcode: number, payload: Uint8Array, fin = true): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | length])
      : length < 65536
        ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, length >> 8, length & 0xff])
        : Buffer.concat([
            Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 127, 0, 0, 0, 0]),
            Buffer.from(new Uint32Array([length]).buffer).reverse(),
          ]);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, mask, body]);
}
