import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CwsCloseEvent,
  type CwsErrorEvent,
  type MessageData,
  WebSocketClient,
} from '@lapps/cws';
import WebSocket from 'ws';
import type { LappsServer } from '../../src/server/lapps-server.js';
import type { ServiceFactory } from '../../src/server/service.js';
import { type TestCertificates, makeCertificates } from './certificates.js';
import {
  type Transport,
  client,
  clientFrame,
  closed,
  echoRoute,
  nextMessage,
  opened,
  rawConnect,
  readUntilClosed,
  startServer,
  upgradeRequest,
} from './harness.js';

/**
 * The server's behaviour, written once and run against each transport (crossws's pattern):
 * test/server/plain.test.ts and tls.test.ts call this with 'plain' and 'tls'.
 */
export function serverBehaviour(transport: Transport): void {
  let certs: TestCertificates | undefined;
  let server: LappsServer;

  beforeAll(async () => {
    if (transport === 'tls') certs = makeCertificates();
    server = await startServer(
      transport,
      certs,
      {
        services: [
          echoRoute,
          {
            ...echoRoute,
            name: 'echo',
            target: '/headers',
            extraHeaders: { 'X-Served-By': 'lapps' },
            instances: 1,
          },
          { ...echoRoute, name: 'echo', target: '/chat', protoAlias: 'chat.v1', instances: 1 },
          {
            ...echoRoute,
            name: 'echo',
            target: '/private',
            acl: { policy: 'allow', exclude: ['127.0.0.0/8'] },
          },
          { ...echoRoute, name: 'echo', target: '/small', maxMessageSize: 1000 },
          { ...echoRoute, name: 'failing', target: '/failing', instances: 1 },
        ],
      },
      new Map<string, ServiceFactory>([
        ['echo', (await import('../../src/server/echo-service.js')).echoService],
        ['failing', failingService],
      ]),
    );
  });

  afterAll(async () => {
    await server?.shutdown();
  });

  /** The server still serves a fresh client after whatever a test did. */
  async function stillServes(): Promise<void> {
    const ws = client(server, '/echo', certs);
    await opened(ws);
    const reply = nextMessage(ws);
    ws.send('still here');
    expect((await reply).data.toString()).toBe('still here');
    ws.close();
    await closed(ws);
  }

  describe(`echo over ${transport}`, () => {
    it('echoes text and binary from 0 bytes to 1 MiB', async () => {
      const ws = client(server, '/echo', certs);
      await opened(ws);
      for (const size of [0, 1, 125, 126, 127, 65535, 65536, 100_000, 1024 * 1024]) {
        const binary = Buffer.alloc(size, size % 251);
        let reply = nextMessage(ws);
        ws.send(binary);
        let got = await reply;
        expect(got.isBinary).toBe(true);
        expect(got.data.equals(binary)).toBe(true);
        const text = 'é'.repeat(Math.floor(size / 2));
        reply = nextMessage(ws);
        ws.send(text);
        got = await reply;
        expect(got.isBinary).toBe(false);
        expect(got.data.toString()).toBe(text);
      }
      ws.close(1000, 'done');
      expect(await closed(ws)).toEqual({ code: 1000, reason: '' });
    });

    it('keeps messages in order under pipelining, across many connections', async () => {
      const clients = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const ws = client(server, '/echo', certs);
          await opened(ws);
          return ws;
        }),
      );
      await Promise.all(
        clients.map(
          (ws, c) =>
            new Promise<void>((resolve, reject) => {
              const got: string[] = [];
              ws.on('message', (data: Buffer) => {
                got.push(data.toString());
                if (got.length === 50) {
                  try {
                    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `${c}:${i}`));
                    resolve();
                  } catch (error) {
                    reject(error);
                  }
                }
              });
              for (let i = 0; i < 50; i++) ws.send(`${c}:${i}`);
            }),
        ),
      );
      for (const ws of clients) ws.close();
    });

    it('answers pings with pongs of the same payload', async () => {
      const ws = client(server, '/echo', certs);
      await opened(ws);
      const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
      ws.ping('are you there');
      expect((await pong).toString()).toBe('are you there');
      ws.close();
    });

    it('closes with 1009 above the service max_inbound_message_size', async () => {
      const ws = client(server, '/small', certs);
      await opened(ws);
      ws.send(Buffer.alloc(1001));
      expect((await closed(ws)).code).toBe(1009);
      await stillServes();
    });

    it('closes a connection whose service fails with 1011 and keeps the instance serving', async () => {
      const ws = client(server, '/failing', certs);
      await opened(ws);
      const reply = nextMessage(ws);
      ws.send('ok');
      expect((await reply).data.toString()).toBe('ok');
      ws.send('throw');
      expect((await closed(ws)).code).toBe(1011);
      const again = client(server, '/failing', certs);
      await opened(again);
      const second = nextMessage(again);
      again.send('fine');
      expect((await second).data.toString()).toBe('fine');
      again.close();
    });

    it('closes with 1002 on a protocol error and 1007 on invalid UTF-8', async () => {
      for (const [frame, code] of [
        [clientFrame(3, Buffer.from('x')), 1002],
        [clientFrame(1, Buffer.from([0xc0, 0xaf])), 1007],
      ] as const) {
        const socket = await rawConnect(server, certs);
        socket.write(upgradeRequest('/echo'));
        const all = readUntilClosed(socket);
        socket.write(frame);
        const bytes = await all;
        const at = bytes.indexOf('\r\n\r\n') + 4;
        expect(bytes.toString('latin1', 0, 12)).toBe('HTTP/1.1 101');
        // The close frame: 0x88, length, then the status code.
        expect(bytes[at]).toBe(0x88);
        expect(bytes.readUInt16BE(at + 2)).toBe(code);
      }
      await stillServes();
    });
  });

  describe(`@lapps/cws as the client over ${transport}`, () => {
    function cws(path: string, protocols?: string[]): WebSocketClient {
      return new WebSocketClient(`${server.url}${path}`, protocols, {
        ...(certs !== undefined && { ca: certs.caPem }),
      });
    }
    const next = (c: WebSocketClient) =>
      new Promise<MessageData>((resolve) =>
        c.addEventListener('message', (e) => resolve(e.data), { once: true }),
      );
    const opens = (c: WebSocketClient) =>
      new Promise<void>((resolve, reject) => {
        c.onopen = () => resolve();
        c.onerror = (e) => reject(e.error);
      });

    it('echoes text, binary, empty and 1 MiB messages in order, then closes cleanly', async () => {
      const c = cws('/echo');
      await opens(c);
      const received: MessageData[] = [];
      c.onmessage = (e) => received.push(e.data);
      const big = Buffer.alloc(1024 * 1024, 7);
      c.send('héllo');
      c.send(new Uint8Array([1, 2, 3]));
      c.send('');
      c.send(big);
      const deadline = Date.now() + 5000;
      while (received.length < 4 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(received[0]).toBe('héllo');
      expect([...(received[1] as Buffer)]).toEqual([1, 2, 3]);
      expect(received[2]).toBe('');
      expect((received[3] as Buffer).equals(big)).toBe(true);
      const closing = new Promise<CwsCloseEvent>((resolve) => {
        c.onclose = resolve;
      });
      c.close(1000, 'bye');
      const event = await closing;
      // The server echoes the code (RFC 6455 5.5.1), not the reason.
      expect([event.code, event.wasClean]).toEqual([1000, true]);
    });

    it('sees a refused upgrade as an error with its HTTP status, then goes on', async () => {
      const c = cws('/nowhere');
      const failure = await new Promise<CwsErrorEvent>((resolve) => {
        c.onerror = resolve;
      });
      expect(failure.error.status).toBe(404);
      const ok = cws('/echo');
      await opens(ok);
      const reply = next(ok);
      ok.send('ping?');
      expect(await reply).toBe('ping?');
      ok.close();
    });
  });

  describe(`routing over ${transport}`, () => {
    it('answers 404 for an unknown target and keeps serving', async () => {
      const ws = client(server, '/nowhere', certs);
      const status = await new Promise<number>((resolve) =>
        ws.on('unexpected-response', (_, res) => resolve(res.statusCode ?? 0)),
      );
      expect(status).toBe(404);
      await stillServes();
    });

    it('answers 403 before the 101 when the service ACL denies the address', async () => {
      const ws = client(server, '/private', certs);
      const status = await new Promise<number>((resolve) =>
        ws.on('unexpected-response', (_, res) => resolve(res.statusCode ?? 0)),
      );
      expect(status).toBe(403);
    });

    it('sends the service extra_headers in the 101', async () => {
      const ws = client(server, '/headers', certs);
      const headers = new Promise<Record<string, unknown>>((resolve) =>
        ws.on('upgrade', (res) => resolve(res.headers)),
      );
      await opened(ws);
      expect((await headers)['x-served-by']).toBe('lapps');
      ws.close();
    });

    it('chooses proto_alias when offered, accepts no offer, refuses other offers with 400', async () => {
      const chosen = client(server, '/chat', certs, {}, ['other', 'chat.v1']);
      await opened(chosen);
      expect(chosen.protocol).toBe('chat.v1');
      chosen.close();
      const none = client(server, '/chat', certs);
      await opened(none);
      expect(none.protocol).toBe('');
      none.close();
      const wrong = client(server, '/chat', certs, {}, ['other']);
      const status = await new Promise<number>((resolve) =>
        wrong.on('unexpected-response', (_, res) => resolve(res.statusCode ?? 0)),
      );
      expect(status).toBe(400);
    });
  });

  describe(`handshake errors over ${transport}`, () => {
    const cases: [string, string, number, string?][] = [
      ['a POST', upgradeRequest('/echo').replace('GET', 'POST'), 405, 'allow: get'],
      ['no Upgrade header', upgradeRequest('/echo', [], { Upgrade: null }), 400],
      ['a bad key', upgradeRequest('/echo', [], { 'Sec-WebSocket-Key': 'short' }), 400],
      [
        'version 8',
        upgradeRequest('/echo', [], { 'Sec-WebSocket-Version': '8' }),
        426,
        'sec-websocket-version: 13',
      ],
      ['a 9 KiB header', upgradeRequest('/echo', [`X-Big: ${'a'.repeat(9000)}`]), 431],
      [
        '101 headers',
        upgradeRequest(
          '/echo',
          Array.from({ length: 101 }, (_, i) => `X-H${i}: v`),
        ),
        431,
      ],
      ['garbage', 'HELLO\r\n\r\n', 400],
    ];
    for (const [name, request, status, header] of cases) {
      it(`answers ${status} to ${name} and keeps serving`, async () => {
        const socket = await rawConnect(server, certs);
        const reply = readUntilClosed(socket);
        socket.write(request);
        const text = (await reply).toString('latin1');
        expect(text.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
        if (header !== undefined) expect(text.toLowerCase()).toContain(header);
        await stillServes();
      });
    }
  });
  describe(`a client that ends its side over ${transport}`, () => {
    it('still gets the answers to the messages it sent before its FIN, then the server closes', async () => {
      const socket = await rawConnect(server, certs);
      const reply = readUntilClosed(socket);
      const messages = [Buffer.from('first'), Buffer.alloc(300, 7), Buffer.from('last words')];
      // While another client's message keeps the server busy, the Upgrade, three messages and the
      // end of the client's side arrive together: every reply must still be written before the
      // server acts on the end (it does; this pins it).
      const staller = client(server, '/failing', certs);
      await opened(staller);
      const stalled = nextMessage(staller);
      staller.send('stall');
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.end(
        Buffer.concat([
          Buffer.from(upgradeRequest('/echo')),
          ...messages.map((m) => clientFrame(2, m)),
        ]),
      );
      const bytes = await reply;
      const head = bytes.indexOf('\r\n\r\n');
      expect(bytes.subarray(0, 12).toString('latin1')).toBe('HTTP/1.1 101');
      const expected = Buffer.concat([
        Buffer.from([0x82, 5]),
        messages[0]!,
        Buffer.from([0x82, 126, 1, 44]),
        messages[1]!,
        Buffer.from([0x82, 10]),
        messages[2]!,
      ]);
      expect(bytes.subarray(head + 4).equals(expected)).toBe(true);
      expect((await stalled).data.toString()).toBe('stall');
      staller.close();
      await stillServes();
    });
  });
  describe(`limits and lifecycle over ${transport}`, () => {
    /** A server with its own options, shut down at the end of the test. */
    async function withServer(
      overrides: Parameters<typeof startServer>[2],
      body: (s: LappsServer) => Promise<void>,
    ): Promise<void> {
      const s = await startServer(transport, certs, overrides);
      try {
        await body(s);
      } finally {
        await s.shutdown();
      }
    }

    it('drops a client that does not finish its Upgrade request in time (slowloris)', async () => {
      await withServer({ handshakeTimeoutMs: 300 }, async (s) => {
        const socket = await rawConnect(s, certs);
        const started = Date.now();
        const done = readUntilClosed(socket, 3000);
        socket.write('GET /echo HTTP/1.1\r\nHost: localhost\r\n'); // and nothing more
        expect((await done).length).toBe(0);
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      });
    });

    it('answers 503 above max_connections', async () => {
      await withServer({ maxConnections: 2 }, async (s) => {
        const first = client(s, '/echo', certs);
        const second = client(s, '/echo', certs);
        await Promise.all([opened(first), opened(second)]);
        const third = client(s, '/echo', certs);
        const status = await new Promise<number>((resolve) =>
          third.on('unexpected-response', (_, res) => resolve(res.statusCode ?? 0)),
        );
        expect(status).toBe(503);
        first.close();
        await closed(first);
        await new Promise((r) => setTimeout(r, 50));
        const fourth = client(s, '/echo', certs);
        await opened(fourth);
        fourth.close();
        second.close();
      });
    });

    it('closes a client that never reads at the outbound limit, keeping memory bounded', async () => {
      const limit = 256 * 1024;
      await withServer({ maxOutboundBuffer: limit }, async (s) => {
        const socket = await rawConnect(s, certs);
        socket.write(upgradeRequest('/echo'));
        await new Promise((r) => setTimeout(r, 100));
        socket.pause(); // never read again: echoes pile up on the server
        const frame = clientFrame(2, Buffer.alloc(64 * 1024, 7));
        let closedByServer = false;
        socket.on('close', () => {
          closedByServer = true;
        });
        socket.on('error', () => {});
        const deadline = Date.now() + 8000;
        let sent = 0;
        while (!closedByServer && Date.now() < deadline && sent < 4096) {
          if (!socket.write(frame)) await new Promise((r) => setTimeout(r, 5));
          sent++;
          if (sent % 16 === 0) await new Promise((r) => setImmediate(r));
        }
        // The server gives up on the client (1008, then drops it after the close timeout)...
        await new Promise<void>((resolve) => {
          if (closedByServer || socket.destroyed) return resolve();
          const t = setInterval(() => {
            if (closedByServer || s.connectionCount === 0) {
              clearInterval(t);
              resolve();
            }
          }, 20);
        });
        expect(s.connectionCount).toBe(0);
        socket.destroy();
      });
    });

    it('pins connections to instances round-robin: 30 connections over 3 instances go 10/10/10', async () => {
      const seen = new Map<number, number>();
      const spread: ServiceFactory = (instance) => ({
        onStart() {},
        onMessage(handler) {
          seen.set(handler, instance);
          return true;
        },
        onDisconnect() {},
        onShutdown() {},
      });
      const s = await startServer(
        transport,
        certs,
        { services: [{ ...echoRoute, name: 'spread', instances: 3 }] },
        new Map([['spread', spread]]),
      );
      try {
        const clients = Array.from({ length: 30 }, () => client(s, '/echo', certs));
        await Promise.all(clients.map(opened));
        for (const ws of clients) ws.send('x');
        await new Promise<void>((resolve) => {
          const t = setInterval(() => {
            if (seen.size === 30) {
              clearInterval(t);
              resolve();
            }
          }, 10);
        });
        const perInstance = [0, 1, 2].map((i) => [...seen.values()].filter((v) => v === i).length);
        expect(perInstance).toEqual([10, 10, 10]);
        for (const ws of clients) ws.close();
      } finally {
        await s.shutdown();
      }
    });

    it('sends a message larger than the outbound limit to a client that reads', async () => {
      await withServer({ maxOutboundBuffer: 64 * 1024 }, async (s) => {
        const ws = client(s, '/echo', certs);
        await opened(ws);
        const big = Buffer.alloc(300 * 1024, 3);
        for (let i = 0; i < 3; i++) {
          const reply = nextMessage(ws);
          ws.send(big);
          expect((await reply).data.equals(big)).toBe(true);
        }
        ws.close(1000);
        expect((await closed(ws)).code).toBe(1000);
      });
    });

    it('pings quiet clients; one that answers stays, one that does not is closed with 1001', async () => {
      await withServer({ pingIntervalMs: 100, idleTimeoutMs: 350 }, async (s) => {
        const alive = client(s, '/echo', certs);
        await opened(alive);
        let pings = 0;
        alive.on('ping', () => pings++);
        const silent = await rawConnect(s, certs);
        const got = readUntilClosed(silent, 5000);
        silent.write(upgradeRequest('/echo'));
        const bytes = await got; // never answers the pings
        const at = bytes.indexOf('\r\n\r\n') + 4;
        const frames = bytes.subarray(at);
        // Pings (0x89 0x00) first, then the close frame with 1001.
        const close = frames.indexOf(Buffer.from([0x88]));
        expect(frames[0]).toBe(0x89);
        expect(frames.readUInt16BE(close + 2)).toBe(1001);
        expect(pings).toBeGreaterThan(0);
        expect(alive.readyState).toBe(WebSocket.OPEN);
        alive.close();
      });
    });

    it('shuts down gracefully: every client sees 1001', async () => {
      const s = await startServer(transport, certs);
      const clients = [client(s, '/echo', certs), client(s, '/echo', certs)];
      await Promise.all(clients.map(opened));
      const codes = Promise.all(clients.map(closed));
      await s.shutdown();
      expect((await codes).map((c) => c.code)).toEqual([1001, 1001]);
    });

    it('applies the global ACL at accept: allow with exclusions, deny with an allow list (IPv4 and IPv6)', async () => {
      await withServer({ acl: { policy: 'allow', exclude: ['127.0.0.1'] } }, async (s) => {
        const socket = await rawConnect(s, certs).catch(() => undefined);
        if (socket !== undefined) {
          socket.write(upgradeRequest('/echo'));
          expect((await readUntilClosed(socket)).length).toBe(0);
        }
      });
      await withServer({ host: '::', acl: { policy: 'deny', exclude: ['::1'] } }, async (s) => {
        const v6 = new WebSocket(`${transport === 'tls' ? 'wss' : 'ws'}://[::1]:${s.port}/echo`, {
          ca: certs?.caPem,
        });
        await opened(v6);
        v6.close();
        const v4 = new WebSocket(
          `${transport === 'tls' ? 'wss' : 'ws'}://127.0.0.1:${s.port}/echo`,
          { ca: certs?.caPem },
        );
        const error = await new Promise<Error>((resolve) => v4.once('error', resolve));
        expect(error).toBeInstanceOf(Error);
      });
    });
  });
}

/** Echoes, except that "throw" throws: a service error must close only that connection. */
const failingService: ServiceFactory = () => {
  let host: Parameters<import('../../src/server/service.js').ServiceInstance['onStart']>[0];
  return {
    onStart(h) {
      host = h;
    },
    onMessage(handler, opcode, payload) {
      const text = Buffer.from(payload).toString();
      if (text === 'throw') throw new Error('boom');
      // Holds the event loop, so that what other clients send meanwhile is read in one turn.
      if (text === 'stall') for (const until = Date.now() + 400; Date.now() < until; );
      host.send(handler, opcode, payload);
      return true;
    },
    onDisconnect() {},
    onShutdown() {},
  };
};

export { WebSocket };
