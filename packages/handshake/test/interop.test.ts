// Interop with the `ws` library over real sockets on 127.0.0.1, both directions.
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  buildAcceptResponse,
  buildClientRequest,
  errorResponseFor,
  HandshakeError,
  type RequestHead,
  RequestHeadParser,
  type ResponseHead,
  ResponseHeadParser,
  type UpgradeRequest,
  validateServerResponse,
  validateUpgrade,
} from '../src/index.js';

const TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function port(server: net.Server | WebSocketServer): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('our client side against a ws server', () => {
  let server: WebSocketServer;

  beforeAll(async () => {
    server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
    });
    server.on('connection', (socket, request) => {
      socket.send(`hello ${request.url}`);
    });
    await withTimeout(once(server, 'listening'), 'ws server listening');
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await withTimeout(new Promise<void>((resolve) => server.close(() => resolve())), 'ws close');
  });

  /** Sends our request on a raw socket and parses the answer with our response parser. */
  async function handshake(options: Partial<Parameters<typeof buildClientRequest>[0]>) {
    const { key, request } = buildClientRequest({
      host: '127.0.0.1',
      port: port(server),
      path: '/path?x=1',
      ...options,
    });
    const socket = net.connect(port(server), '127.0.0.1');
    const parser = new ResponseHeadParser();
    const later: Buffer[] = [];
    try {
      const head = await withTimeout(
        new Promise<ResponseHead>((resolve, reject) => {
          socket.on('data', (chunk) => {
            try {
              const response = parser.push(chunk);
              if (response !== undefined) resolve(response);
            } catch (error) {
              reject(error);
            }
          });
          socket.on('error', reject);
          socket.write(request);
        }),
        'ws response',
      );
      socket.removeAllListeners('data');
      socket.on('data', (chunk: Buffer) => later.push(chunk));
      return { key, head, socket, later };
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  it("validates ws's 101 and reads the first frame after it", async () => {
    const { key, head, socket, later } = await handshake({ protocols: ['superchat', 'chat'] });
    try {
      const result = validateServerResponse(head, { key, protocols: ['superchat', 'chat'] });
      expect(result.protocol).toBe('chat');
      expect(result.extensions).toEqual([]);
      // ws sends "hello /path?x=1" right after the 101: in the same chunk (rest) or later.
      const expected = Buffer.from('hello /path?x=1');
      await withTimeout(
        (async () => {
          while (Buffer.concat([result.rest, ...later]).length < 2 + expected.length) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })(),
        'first frame',
      );
      const frames = Buffer.concat([result.rest, ...later]);
      expect([...frames.subarray(0, 2)]).toEqual([0x81, expected.length]);
      expect(frames.subarray(2, 2 + expected.length)).toEqual(expected);
    } finally {
      socket.destroy();
    }
  });

  it('accepts a ws server that chooses no subprotocol', async () => {
    const { key, head, socket } = await handshake({ protocols: ['mqtt'] });
    try {
      expect(validateServerResponse(head, { key, protocols: ['mqtt'] }).protocol).toBeUndefined();
    } finally {
      socket.destroy();
    }
  });

  it('notices when the accept does not match our key', async () => {
    const { head, socket } = await handshake({});
    try {
      expect(() => validateServerResponse(head, { key: 'AAAAAAAAAAAAAAAAAAAAAA==' })).toThrow(
        expect.objectContaining({ code: 'LAPPS_ERR_BAD_ACCEPT', status: 101 }),
      );
    } finally {
      socket.destroy();
    }
  });
});

describe('a ws client against our server side on node:net', () => {
  let server: net.Server;
  const upgrades: UpgradeRequest[] = [];

  beforeAll(async () => {
    server = net.createServer((socket) => {
      const parser = new RequestHeadParser();
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        let request: RequestHead | undefined;
        try {
          request = parser.push(chunk);
          if (request === undefined) return;
          const upgrade = validateUpgrade(request, { subprotocols: ['chat'] });
          upgrades.push(upgrade);
          socket.removeAllListeners('data');
          socket.write(buildAcceptResponse({ key: upgrade.key, protocol: upgrade.protocol }));
          // Close at once with 1000 (unmasked server frame) so the client sees a clean close.
          socket.end(Uint8Array.of(0x88, 0x02, 0x03, 0xe8));
        } catch (error) {
          if (!(error instanceof HandshakeError)) throw error;
          socket.end(errorResponseFor(error));
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await withTimeout(once(server, 'listening'), 'net server listening');
  });

  afterAll(async () => {
    await withTimeout(new Promise<void>((resolve) => server.close(() => resolve())), 'net close');
  });

  it("opens a ws client with protocol 'chat'", async () => {
    const client = new WebSocket(`ws://127.0.0.1:${port(server)}/path`, ['chat']);
    try {
      await withTimeout(once(client, 'open'), 'ws open');
      expect(client.protocol).toBe('chat');
      const [code] = await withTimeout(once(client, 'close'), 'ws close');
      expect(code).toBe(1000);
    } finally {
      client.terminate();
    }
    const upgrade = upgrades.at(-1)!;
    expect(upgrade.target).toBe('/path');
    expect(upgrade.protocols).toEqual(['chat']);
    // ws offers permessage-deflate by default; we parse the offer and accept none.
    expect(upgrade.extensions.map((offer) => offer.name)).toEqual(['permessage-deflate']);
  });

  it('answers a ws client speaking version 8 with 426, which ws reports', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${port(server)}/path`, { protocolVersion: 8 });
    // terminate() on a client still CONNECTING reports an error: expected here.
    client.on('error', () => {});
    try {
      const [, response] = await withTimeout(once(client, 'unexpected-response'), 'ws 426');
      expect(response.statusCode).toBe(426);
      expect(response.headers['sec-websocket-version']).toBe('13');
      response.destroy();
    } finally {
      client.terminate();
    }
  });
});
