import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAcl, type TransportEvent } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';
import { echo, echoConnection, readBytes, readUntilClose, waitUntil } from './sockets.js';
import { closeListeners, listen } from './transports.js';

let pki: TestPki;
let server: ServerCertificate;
beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server');
});
afterAll(() => pki?.remove());
afterEach(closeListeners);

/** The first bytes a TLS client sends (its ClientHello), caught by a plain TCP server. */
async function captureClientHello(): Promise<Buffer> {
  const catcher = net.createServer();
  await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
  const port = (catcher.address() as net.AddressInfo).port;
  const first = new Promise<Buffer>((resolve) =>
    catcher.once('connection', (socket) =>
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk);
        socket.destroy();
      }),
    ),
  );
  const client = tls.connect({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    rejectUnauthorized: false,
  });
  client.on('error', () => {});
  const hello = await first;
  client.destroy();
  catcher.close();
  return hello;
}

async function canBindIpv6Loopback(): Promise<boolean> {
  const probe = net.createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

describe('ACL at accept', () => {
  it('closes a denied peer at once, with no bytes, and reports it', async () => {
    const events: TransportEvent[] = [];
    let handedOver = 0;
    const listener = await listen({
      host: '127.0.0.1',
      port: 0,
      acl: createAcl({ policy: 'allow', exclude: ['127.0.0.1'] }),
      onConnection: () => {
        handedOver++;
      },
      onEvent: (event) => events.push(event),
    });
    const client = net.connect({ host: '127.0.0.1', port: listener.address().port });
    client.write('GET / HTTP/1.1\r\n\r\n');
    const { data } = await readUntilClose(client, 1000);
    expect(data.length).toBe(0);
    expect(handedOver).toBe(0);
    expect(events).toEqual([{ type: 'acl-denied', address: '127.0.0.1' }]);
    expect(listener.connections).toBe(0);
  });

  it('on a TLS port, denies before any TLS work: a ClientHello gets no ServerHello', async () => {
    const clientHello = await captureClientHello();
    const tlsFiles = {
      files: { cert: server.cert, key: server.key },
      minVersion: 'TLSv1.2' as const,
    };
    const events: TransportEvent[] = [];
    const deniedPort = (
      await listen({
        host: '127.0.0.1',
        port: 0,
        tls: tlsFiles,
        acl: createAcl({ policy: 'deny', exclude: ['10.0.0.0/8'] }),
        onConnection: echoConnection,
        onEvent: (event) => events.push(event),
      })
    ).address().port;
    const allowedPort = (
      await listen({
        host: '127.0.0.1',
        port: 0,
        tls: tlsFiles,
        acl: createAcl({ policy: 'deny', exclude: ['127.0.0.1'] }),
        onConnection: echoConnection,
      })
    ).address().port;

    // Sanity: the same bytes to an allowing listener are answered with a TLS handshake record.
    const allowed = net.connect({ host: '127.0.0.1', port: allowedPort });
    allowed.write(clientHello);
    const answer = await readBytes(allowed, 1);
    expect(answer[0]).toBe(0x16);
    allowed.destroy();

    const denied = net.connect({ host: '127.0.0.1', port: deniedPort });
    denied.write(clientHello);
    const { data } = await readUntilClose(denied, 1000);
    expect(data.length).toBe(0);
    expect(events).toEqual([{ type: 'acl-denied', address: '127.0.0.1' }]);
  });

  it("policy 'deny' with only '::1' listed: admits ::1, refuses 127.0.0.1", async (context) => {
    if (!(await canBindIpv6Loopback())) {
      context.skip(
        '::1 cannot be bound on this machine (no IPv6 loopback); the IPv4 half is covered above',
      );
      return;
    }
    const acl = createAcl({ policy: 'deny', exclude: ['::1'] }, 'ws.json: acl');
    const events: TransportEvent[] = [];
    const options = {
      port: 0,
      acl,
      onConnection: echoConnection,
      onEvent: (event: TransportEvent) => events.push(event),
    };
    const six = await listen({ host: '::1', ...options });
    const four = await listen({ host: '127.0.0.1', ...options });

    const allowed = net.connect({ host: '::1', port: six.address().port });
    expect(await echo(allowed, 'over six')).toBe('over six');
    await waitUntil(() => six.connections === 1, 'the ::1 connection to count');

    const refused = net.connect({ host: '127.0.0.1', port: four.address().port });
    const { data } = await readUntilClose(refused, 1000);
    expect(data.length).toBe(0);
    expect(events).toEqual([{ type: 'acl-denied', address: '127.0.0.1' }]);
    allowed.destroy();
  });
});
