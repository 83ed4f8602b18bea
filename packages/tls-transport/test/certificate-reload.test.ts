import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Listener, type TransportEvent } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';
import { echo, echoConnection } from './sockets.js';
import { closeListeners, listen } from './transports.js';

let pki: TestPki;
let first: ServerCertificate;
let second: ServerCertificate;
beforeAll(() => {
  pki = createTestPki();
  first = pki.issue('first');
  second = pki.issue('second');
});
afterAll(() => pki?.remove());
afterEach(closeListeners);

/** The files the listener is configured with; the test overwrites them as an operator would. */
function liveFiles(): { cert: string; key: string } {
  const files = { cert: join(pki.dir, 'live.pem'), key: join(pki.dir, 'live.key') };
  copyFileSync(first.cert, files.cert);
  copyFileSync(first.key, files.key);
  return files;
}

async function client(listener: Listener): Promise<tls.TLSSocket> {
  return (await connect({
    host: '127.0.0.1',
    port: listener.address().port,
    tls: { ca: pki.caPem, servername: 'localhost' },
  })) as tls.TLSSocket;
}

describe('reloadCertificates', () => {
  it('new connections get the new certificate; an open one keeps working', async () => {
    const files = liveFiles();
    const events: TransportEvent[] = [];
    const listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { files, minVersion: 'TLSv1.2' },
      onConnection: echoConnection,
      onEvent: (event) => events.push(event),
    });
    const before = await client(listener);
    expect(before.getPeerCertificate().fingerprint256).toBe(first.fingerprint256);
    expect(await echo(before, 'one')).toBe('one');

    copyFileSync(second.cert, files.cert);
    copyFileSync(second.key, files.key);
    listener.reloadCertificates();
    expect(events).toEqual([{ type: 'certificates-reloaded' }]);

    expect(await echo(before, 'still open')).toBe('still open');
    const after = await client(listener);
    expect(after.getPeerCertificate().fingerprint256).toBe(second.fingerprint256);
    expect(await echo(after, 'two')).toBe('two');
    expect(await echo(before, 'and again')).toBe('and again');
    expect(listener.connections).toBe(2);
    before.destroy();
    after.destroy();
  });

  it('a failed reload throws and keeps the certificate in use', async () => {
    const files = liveFiles();
    const listener = await listen({
      host: '127.0.0.1',
      port: 0,
      tls: { files, minVersion: 'TLSv1.2' },
      onConnection: echoConnection,
    });

    writeFileSync(files.key, 'half-written garbage');
    expect(() => listener.reloadCertificates()).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_TLS_PEM' }),
    );
    copyFileSync(second.key, files.key); // key of the second, cert still the first
    expect(() => listener.reloadCertificates()).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_TLS_KEY_MISMATCH' }),
    );

    const socket = await client(listener);
    expect(socket.getPeerCertificate().fingerprint256).toBe(first.fingerprint256);
    expect(await echo(socket, 'old cert')).toBe('old cert');
    socket.destroy();
  });
});
