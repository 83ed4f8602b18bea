// `ws` servers for interop: plain or TLS, each with a few routes the suites use.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ClientOptions } from '../src/index.js';
import type { SelfSigned } from './certificates.js';

export type Transport = 'plain' | 'tls';

/** Subprotocols the server knows, in its order of preference. */
export const SERVER_PROTOCOLS = ['chat.v2', 'chat.v1'];

export interface InteropServer {
  /** A URL for `path` on this server. */
  url(path: string, host?: string): string;
  /** What a client needs to trust it (the CA for TLS). */
  clientOptions: ClientOptions;
  /** Requests the server accepted, with their headers, in order. */
  requests: IncomingMessage[];
  /** Connections the server holds (to script them from a test). */
  sockets: WebSocket[];
  /** The next connection the server accepts. */
  nextConnection(): Promise<WebSocket>;
  close(): Promise<void>;
}

/**
 * Routes: `/echo` echoes every message as it came (text or binary); anything else accepts and
 * does nothing, for the test to script through `nextConnection()`.
 */
export async function startWsServer(
  transport: Transport,
  certificate?: SelfSigned,
  host = '127.0.0.1',
): Promise<InteropServer> {
  const http: Server =
    transport === 'tls'
      ? createHttpsServer({ cert: certificate!.cert, key: certificate!.key })
      : createHttpServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (offered) => SERVER_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  const requests: IncomingMessage[] = [];
  const sockets: WebSocket[] = [];
  let waiting: ((ws: WebSocket) => void)[] = [];
  wss.on('connection', (ws, request) => {
    requests.push(request);
    sockets.push(ws);
    ws.on('error', () => {});
    if (request.url?.startsWith('/echo')) {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    }
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve(ws);
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const { port } = http.address() as AddressInfo;
  const scheme = transport === 'tls' ? 'wss' : 'ws';
  return {
    url: (path, urlHost = host.includes(':') ? `[${host}]` : host) =>
      `${scheme}://${urlHost}:${port}${path}`,
    clientOptions: transport === 'tls' ? { ca: certificate!.cert } : {},
    requests,
    sockets,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      http.closeAllConnections?.();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
