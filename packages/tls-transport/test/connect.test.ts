import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Listener, TransportError } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';
import { echo, echoConnection } from './sockets.js';
import { closeListeners, listen } from './transports.js';

let pki: TestPki;
let server: ServerCertificate;
let tlsListener: Listener;
beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server');
});
afterAll(() => pki?.remove());
afterEach(closeListeners);

async function startTls(): Promise<number> {
  tlsListener = await listen({
    host: '127.0.0.1',
    port: 0,
    tls: { files: { cert: server.cert, key: server.key }, minVersion: 'TLSv1.2' },
    onConnection: echoConnection,
  });
  return tlsListener.address().port;
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('connect over TLS', () => {
  it('with the CA: verifies, sends SNI, and exchanges bytes', async () => {
    const port = await startTls();
    let sni: string | false | null | undefined;
    const probe = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { files: { cert: server.cert, key: server.key }, minVersion: 'TLSv1.2' },
      onConnection(socket, conn) {
        sni = (socket as tls.TLSSocket).servername;
        echoConnection(socket, conn);
      },
    });
    const socket = (await connect({
      host: 'localhost',
      port: probe.address().port,
      tls: { ca: pki.caPem },
    })) as tls.TLSSocket;
    expect(socket.authorized).toBe(true);
    expect(await echo(socket, 'hello over tls')).toBe('hello over tls');
    expect(sni).toBe('localhost');
    socket.destroy();

    // An IP literal is verified against the certificate's IP SANs and sent without SNI (RFC 6066).
    const byIp = (await connect({
      host: '127.0.0.1',
      port,
      tls: { ca: new TextEncoder().encode(pki.caPem) },
    })) as tls.TLSSocket;
    expect(byIp.authorized).toBe(true);
    expect(await echo(byIp, 'by ip')).toBe('by ip');
    byIp.destroy();
  });

  it('with a shared secure context: verifies against its CAs, and it wins over `ca`', async () => {
    const port = await startTls();
    const secureContext = tls.createSecureContext({ ca: pki.caPem });
    const sockets = await Promise.all(
      [1, 2].map(() => connect({ host: '127.0.0.1', port, tls: { secureContext } })),
    );
    for (const socket of sockets) {
      expect((socket as tls.TLSSocket).authorized).toBe(true);
      expect(await echo(socket, 'shared')).toBe('shared');
      socket.destroy();
    }
    // A context without the CA refuses, whatever `ca` says.
    const error = await failure(
      connect({
        host: '127.0.0.1',
        port,
        tls: { secureContext: tls.createSecureContext({}), ca: pki.caPem },
      }),
    );
    expect(error.code).toBe('LAPPS_ERR_TLS_VERIFY');
  });

  it('without the CA: LAPPS_ERR_TLS_VERIFY with the reason', async () => {
    const port = await startTls();
    const error = await failure(connect({ host: '127.0.0.1', port, tls: {} }));
    expect(error.code).toBe('LAPPS_ERR_TLS_VERIFY');
    expect(error.message).toMatch(/certificate/);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    await expect.poll(() => tlsListener.connections).toBe(0);
  });

  it('rejectUnauthorized: false connects without the CA', async () => {
    const port = await startTls();
    const socket = (await connect({
      host: '127.0.0.1',
      port,
      tls: { rejectUnauthorized: false },
    })) as tls.TLSSocket;
    expect(socket.authorized).toBe(false);
    expect(await echo(socket, 'unverified')).toBe('unverified');
    socket.destroy();
  });

  it('a servername the certificate does not name: LAPPS_ERR_TLS_VERIFY', async () => {
    const port = await startTls();
    const error = await failure(
      connect({ host: '127.0.0.1', port, tls: { ca: pki.caPem, servername: 'example.com' } }),
    );
    expect(error.code).toBe('LAPPS_ERR_TLS_VERIFY');
    expect(error.message).toContain('example.com');
  });

  it('an IP the certificate does not name: LAPPS_ERR_TLS_VERIFY', async () => {
    const port = await startTls();
    const error = await failure(
      connect({ host: '127.0.0.1', port, tls: { ca: pki.caPem, servername: '127.0.0.2' } }),
    );
    expect(error.code).toBe('LAPPS_ERR_TLS_VERIFY');
    expect(error.message).toContain('127.0.0.2');
  });

  it("minVersion 'TLSv1.3' against a server that stops at TLS 1.2: LAPPS_ERR_TLS_HANDSHAKE", async () => {
    const old = tls.createServer({
      cert: readFileSync(server.cert),
      key: readFileSync(server.key),
      maxVersion: 'TLSv1.2',
    });
    old.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const port = (old.address() as net.AddressInfo).port;
    try {
      const error = await failure(
        connect({ host: '127.0.0.1', port, tls: { ca: pki.caPem, minVersion: 'TLSv1.3' } }),
      );
      expect(error.code).toBe('LAPPS_ERR_TLS_HANDSHAKE');
    } finally {
      old.close();
    }
  });

  it('a TLS server that never answers: LAPPS_ERR_CONNECT_TIMEOUT', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const error = await failure(
        connect({ host: '127.0.0.1', port, tls: { ca: pki.caPem }, timeoutMs: 200 }),
      );
      expect(error.code).toBe('LAPPS_ERR_CONNECT_TIMEOUT');
      expect(error.message).toContain('200 ms');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      silent.close();
      for (const socket of held) socket.destroy();
    }
  });
});

describe('connect over TCP', () => {
  it('exchanges bytes, IPv6 literal with brackets included when ::1 is there', async (context) => {
    const listener = await listen({ host: '127.0.0.1', port: 0, onConnection: echoConnection });
    const socket = await connect({ host: '127.0.0.1', port: listener.address().port });
    expect(socket).not.toBeInstanceOf(tls.TLSSocket);
    expect(await echo(socket, 'tcp')).toBe('tcp');
    socket.destroy();

    const six = await listen({ host: '::1', port: 0, onConnection: echoConnection }).catch(
      () => undefined,
    );
    if (six === undefined) {
      context.skip('::1 cannot be bound on this machine (no IPv6 loopback)');
      return;
    }
    const overSix = await connect({ host: '[::1]', port: six.address().port });
    expect(overSix.remoteAddress).toBe('::1');
    expect(await echo(overSix, 'six')).toBe('six');
    overSix.destroy();
  });

  it("onread: bytes arrive in the caller's buffer through the callback; refused with tls", async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, onConnection: echoConnection });
    const buffer = new Uint8Array(16);
    let received = '';
    let sameBuffer = true;
    const got = new Promise<void>((resolve) => {
      void connect({
        host: '127.0.0.1',
        port: listener.address().port,
        onread: {
          buffer,
          callback(n, into) {
            sameBuffer &&= into.buffer === buffer.buffer;
            received += Buffer.from(into.subarray(0, n)).toString('latin1');
            if (received.length >= 40) resolve();
            return true;
          },
        },
      }).then((socket) => {
        // 40 bytes through a 16-byte buffer: at least three reads into the same memory.
        socket.write('x'.repeat(40));
        void got.then(() => socket.destroy());
      });
    });
    await got;
    expect(received).toBe('x'.repeat(40));
    expect(sameBuffer).toBe(true);

    const error = await failure(
      connect({
        host: '127.0.0.1',
        port: 1,
        tls: {},
        onread: { buffer, callback: () => true },
      }),
    );
    expect(error.code).toBe('LAPPS_ERR_INVALID_ARGUMENT');
    expect(error.message).toContain('onread');
  });

  it('a closed port: LAPPS_ERR_CONNECT naming host:port and the cause', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, onConnection: echoConnection });
    const port = listener.address().port;
    await listener.close();
    const error = await failure(connect({ host: '127.0.0.1', port }));
    expect(error.code).toBe('LAPPS_ERR_CONNECT');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a bad port or timeout is reported, not thrown', async () => {
    expect((await failure(connect({ host: '127.0.0.1', port: 70000 }))).code).toBe(
      'LAPPS_ERR_CONNECT',
    );
    expect((await failure(connect({ host: '127.0.0.1', port: 1, timeoutMs: 0 }))).code).toBe(
      'LAPPS_ERR_INVALID_ARGUMENT',
    );
  });
});
