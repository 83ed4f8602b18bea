import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransportEvent } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';
import { echo, echoConnection, waitUntil } from './sockets.js';
import { closeListeners, listen } from './transports.js';

let pki: TestPki;
let server: ServerCertificate;
beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server');
});
afterAll(() => pki?.remove());
afterEach(closeListeners);

function rawTlsConnect(port: number, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: pki.caPem,
      ...options,
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function tlsListener(minVersion: 'TLSv1.2' | 'TLSv1.3', events: TransportEvent[] = []) {
  return listen({
    host: '127.0.0.1',
    port: 0,
    tls: { files: { cert: server.cert, key: server.key }, minVersion },
    onConnection: echoConnection,
    onEvent: (event) => events.push(event),
  });
}

describe('TLS listener versions', () => {
  it("minVersion 'TLSv1.3' refuses a client limited to TLS 1.2 and reports a tls-error", async () => {
    const events: TransportEvent[] = [];
    const listener = await tlsListener('TLSv1.3', events);
    const port = listener.address().port;
    await expect(rawTlsConnect(port, { maxVersion: 'TLSv1.2' })).rejects.toMatchObject({
      code: expect.stringMatching(/ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION|ECONNRESET/),
    });
    await waitUntil(() => events.length > 0, 'the tls-error event');
    expect(events[0]).toMatchObject({ type: 'tls-error', address: '127.0.0.1' });
    await waitUntil(() => listener.connections === 0, 'the refused connection to be released');

    const modern = await rawTlsConnect(port, {});
    expect(modern.getProtocol()).toBe('TLSv1.3');
    modern.destroy();
  });

  it("minVersion 'TLSv1.2' accepts TLS 1.2 and TLS 1.3 clients", async () => {
    const listener = await tlsListener('TLSv1.2');
    const port = listener.address().port;
    const old = await rawTlsConnect(port, { maxVersion: 'TLSv1.2' });
    expect(old.getProtocol()).toBe('TLSv1.2');
    expect(await echo(old, 'twelve')).toBe('twelve');
    const modern = await rawTlsConnect(port, {});
    expect(modern.getProtocol()).toBe('TLSv1.3');
    expect(await echo(modern, 'thirteen')).toBe('thirteen');
    old.destroy();
    modern.destroy();
  });

  it('a client speaking plain HTTP to the TLS port gets a tls-error, and the listener goes on', async () => {
    const events: TransportEvent[] = [];
    const listener = await tlsListener('TLSv1.2', events);
    const port = listener.address().port;
    const plain = net.connect({ host: '127.0.0.1', port });
    plain.on('error', () => {});
    plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitUntil(() => events.some((event) => event.type === 'tls-error'), 'a tls-error');
    const good = await rawTlsConnect(port, {});
    expect(await echo(good, 'fine')).toBe('fine');
    good.destroy();
  });
});

describe('Node internals the TLS wrap relies on', () => {
  it('TLSSocket still has _releaseControl (else the fallback path is taken)', () => {
    // Not fatal if it goes (server-tls-socket.ts falls back to '_tlsError'), but we want to know.
    expect(
      typeof (tls.TLSSocket.prototype as unknown as { _releaseControl?: unknown })._releaseControl,
    ).toBe('function');
  });
});
