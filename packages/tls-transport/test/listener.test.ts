import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Listener, type TransportEvent, TransportError } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';
import { closed, echo, echoConnection, readUntilClose, waitUntil } from './sockets.js';
import { closeListeners, listen, transports } from './transports.js';

let pki: TestPki;
let server: ServerCertificate;
beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server');
});
afterAll(() => pki?.remove());
afterEach(closeListeners);

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

describe('Listener.listen', () => {
  it('binds an ephemeral port and reports its address', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, onConnection: echoConnection });
    const address = listener.address();
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(address.port).toBeGreaterThan(0);
    expect(listener.secure).toBe(false);
  });

  it('rejects with LAPPS_ERR_ADDRESS_IN_USE naming host:port', async () => {
    const first = await listen({ host: '127.0.0.1', port: 0, onConnection: echoConnection });
    const port = first.address().port;
    const error = await failure(
      Listener.listen({ host: '127.0.0.1', port, onConnection: echoConnection }),
    );
    expect(error.code).toBe('LAPPS_ERR_ADDRESS_IN_USE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('rejects with LAPPS_ERR_LISTEN for an address that is not local', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to this machine, so bind fails.
    const error = await failure(
      Listener.listen({ host: '192.0.2.1', port: 0, onConnection: echoConnection }),
    );
    expect(error.code).toBe('LAPPS_ERR_LISTEN');
    expect(error.message).toContain('192.0.2.1:0');
  });

  it('rejects bad TLS files before binding', async () => {
    const error = await failure(
      Listener.listen({
        host: '127.0.0.1',
        port: 0,
        tls: { files: { cert: '/nonexistent/cert.pem', key: server.key }, minVersion: 'TLSv1.2' },
        onConnection: echoConnection,
      }),
    );
    expect(error.code).toBe('LAPPS_ERR_TLS_FILE');
    expect(error.message).toContain('/nonexistent/cert.pem');
  });

  it.each([
    [{ port: 70000 }, 'port: expected an integer 0..65535, got 70000'],
    [{ port: -1 }, 'port'],
    [{ host: '' }, 'host'],
    [{ maxConnections: -1 }, 'maxConnections: expected an integer >= 0 or Infinity, got -1'],
    [{ maxConnectionsPerAddress: 1.5 }, 'maxConnectionsPerAddress'],
    [{ handshakeTimeoutMs: 0 }, 'handshakeTimeoutMs'],
    [{ handshakeTimeoutMs: Number.NaN }, 'got NaN'],
  ])('rejects the option %j with LAPPS_ERR_INVALID_ARGUMENT', async (override, message) => {
    const error = await failure(
      Listener.listen({ host: '127.0.0.1', port: 0, onConnection: echoConnection, ...override }),
    );
    expect(error.code).toBe('LAPPS_ERR_INVALID_ARGUMENT');
    expect(error.message).toContain(message);
  });

  it('reloadCertificates on a plain listener is a caller mistake', async () => {
    const listener = await listen({ host: '127.0.0.1', port: 0, onConnection: echoConnection });
    expect(() => listener.reloadCertificates()).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe.each(transports(() => ({ pki, server })))('Listener over $name', (transport) => {
  it('hands over connections that echo, and counts them until they close', async () => {
    const listener = await transport.listen({ onConnection: echoConnection });
    expect(listener.secure).toBe(transport.name === 'tls');
    const port = listener.address().port;
    const a = await transport.connect(port);
    const b = await transport.connect(port);
    expect(await echo(a, 'hello')).toBe('hello');
    expect(await echo(b, 'world')).toBe('world');
    await waitUntil(() => listener.connections === 2, 'two connections');
    a.end();
    await closed(a);
    await waitUntil(() => listener.connections === 1, 'one connection after the first closed');
    b.destroy();
    await waitUntil(() => listener.connections === 0, 'no connections');
  });

  it('gives the connection its peer address, port and security', async () => {
    let seen: { remoteAddress: string; remotePort: number; secure: boolean } | undefined;
    const listener = await transport.listen({
      onConnection(socket, conn) {
        seen = {
          remoteAddress: conn.remoteAddress,
          remotePort: conn.remotePort,
          secure: conn.secure,
        };
        echoConnection(socket, conn);
      },
    });
    const client = await transport.connect(listener.address().port);
    await echo(client, 'x');
    expect(seen).toEqual({
      remoteAddress: '127.0.0.1',
      remotePort: client.localPort,
      secure: transport.name === 'tls',
    });
    client.destroy();
  });

  it('stopAccepting closes the port and keeps open connections', async () => {
    const listener = await transport.listen({ onConnection: echoConnection });
    const port = listener.address().port;
    const client = await transport.connect(port);
    await listener.stopAccepting();
    await expect(transport.connect(port)).rejects.toMatchObject({ code: 'LAPPS_ERR_CONNECT' });
    expect(await echo(client, 'still here')).toBe('still here');
    expect(listener.address().port).toBe(port);
    await listener.stopAccepting(); // twice is fine
    client.destroy();
  });

  it('close destroys open connections and resolves once they are gone', async () => {
    const listener = await transport.listen({ onConnection: echoConnection });
    const client = await transport.connect(listener.address().port);
    await echo(client, 'x');
    const ending = readUntilClose(client);
    await listener.close();
    expect(listener.connections).toBe(0);
    await ending;
  });

  it('a throwing onConnection destroys that socket, reports it, and the listener goes on', async () => {
    const events: TransportEvent[] = [];
    let calls = 0;
    const listener = await transport.listen({
      onConnection(socket, conn) {
        calls++;
        if (calls === 1) throw new Error('bug in the server');
        echoConnection(socket, conn);
      },
      onEvent: (event) => events.push(event),
    });
    const port = listener.address().port;
    const first = await transport.connect(port);
    await readUntilClose(first);
    expect(events).toContainEqual({
      type: 'socket-error',
      address: '127.0.0.1',
      error: new Error('bug in the server'),
    });
    const second = await transport.connect(port);
    expect(await echo(second, 'ok')).toBe('ok');
    second.destroy();
  });
});

describe('Listener over IPv6', () => {
  it('listens on ::1 and reports the address family', async (context) => {
    const listener = await listen({ host: '::1', port: 0, onConnection: echoConnection }).catch(
      () => undefined,
    );
    if (listener === undefined) {
      context.skip('::1 cannot be bound on this machine (no IPv6 loopback)');
      return;
    }
    expect(listener.address()).toMatchObject({ address: '::1', family: 'IPv6' });
    const client = net.connect({ host: '::1', port: listener.address().port });
    expect(await echo(client, 'six')).toBe('six');
    client.destroy();
  });
});
