import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransportEvent } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';
import { echo, readUntilClose, waitUntil } from './sockets.js';
import { closeListeners, transports } from './transports.js';

let pki: TestPki;
let server: ServerCertificate;
beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server');
});
afterAll(() => pki?.remove());
afterEach(closeListeners);

const DEADLINE_MS = 200;

describe.each(transports(() => ({ pki, server })))('handshake deadline over $name', (transport) => {
  it('destroys a connection that never becomes ready, and reports it', async () => {
    const events: TransportEvent[] = [];
    const listener = await transport.listen({
      handshakeTimeoutMs: DEADLINE_MS,
      onConnection() {
        // The server is waiting for an HTTP request that never comes: no conn.ready().
      },
      onEvent: (event) => events.push(event),
    });
    const started = Date.now();
    const client = await transport.connect(listener.address().port);
    await readUntilClose(client, 2000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(elapsed).toBeLessThan(1500);
    expect(events).toContainEqual({ type: 'handshake-timeout', address: '127.0.0.1' });
    await waitUntil(() => listener.connections === 0, 'the server side to close');
  });

  it('conn.ready() cancels the deadline', async () => {
    const events: TransportEvent[] = [];
    const listener = await transport.listen({
      handshakeTimeoutMs: DEADLINE_MS,
      onConnection(socket, conn) {
        conn.ready();
        socket.on('data', (chunk: Buffer) => socket.write(chunk));
        socket.resume();
      },
      onEvent: (event) => events.push(event),
    });
    const client = await transport.connect(listener.address().port);
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS * 2));
    expect(await echo(client, 'alive')).toBe('alive');
    expect(events).toEqual([]);
    client.destroy();
  });
});

describe('handshake deadline on a TLS port', () => {
  it('drops a client that opens TCP and never starts the TLS handshake (slowloris)', async () => {
    const [, tlsTransport] = transports(() => ({ pki, server }));
    const events: TransportEvent[] = [];
    let handedOver = false;
    const listener = await tlsTransport!.listen({
      handshakeTimeoutMs: DEADLINE_MS,
      onConnection: () => {
        handedOver = true;
      },
      onEvent: (event) => events.push(event),
    });
    const started = Date.now();
    const client = net.connect({ host: '127.0.0.1', port: listener.address().port });
    const { data } = await readUntilClose(client, 2000);
    expect(data.length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(handedOver).toBe(false);
    expect(events).toEqual([{ type: 'handshake-timeout', address: '127.0.0.1' }]);
    await waitUntil(() => listener.connections === 0, 'the server side to close');
  });

  it('drops a client that sends half a ClientHello and stalls', async () => {
    const [, tlsTransport] = transports(() => ({ pki, server }));
    const events: TransportEvent[] = [];
    const listener = await tlsTransport!.listen({
      handshakeTimeoutMs: DEADLINE_MS,
      onConnection: () => {},
      onEvent: (event) => events.push(event),
    });
    const client = net.connect({ host: '127.0.0.1', port: listener.address().port });
    // A TLS record header announcing a 512-byte handshake record, then nothing.
    client.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    await readUntilClose(client, 2000);
    expect(events).toEqual([{ type: 'handshake-timeout', address: '127.0.0.1' }]);
  });
});
