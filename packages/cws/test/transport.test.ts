// wss: certificates and host names are verified unless the caller says otherwise.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSigned, type SelfSigned } from './certificates.js';
import { client, closeClients, failed, nextMessage, opened } from './clients.js';
import { type InteropServer, startWsServer } from './ws-servers.js';

let certificate: SelfSigned;
let server: InteropServer;

beforeAll(async () => {
  certificate = makeSelfSigned();
  server = await startWsServer('tls', certificate);
});

afterAll(async () => {
  await server?.close();
  certificate?.remove();
});

afterEach(closeClients);

describe('wss: verification', () => {
  it('rejects a self-signed certificate by default', async () => {
    const ws = client(server.url('/echo', 'localhost'));
    const { error, close } = await failed(ws);
    expect(error.error.code).toBe('LAPPS_ERR_CWS_TLS_VERIFY');
    expect(error.message).toMatch(/verification failed/);
    expect(error.message).toMatch(/self[- ]signed/i);
    expect([close.code, close.wasClean]).toEqual([1006, false]);
  });

  it('accepts it when trusted through ca, by name and by IP address', async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const ws = client(server.url('/echo', host), undefined, { ca: certificate.cert });
      await opened(ws);
      const reply = nextMessage(ws);
      ws.send(host);
      expect((await reply).data).toBe(host);
    }
  });

  it('accepts anything with rejectUnauthorized: false', async () => {
    const ws = client(server.url('/echo', 'localhost'), undefined, { rejectUnauthorized: false });
    await opened(ws);
  });

  it('rejects a certificate for another host name, even from a trusted CA', async () => {
    const ws = client(server.url('/echo', '127.0.0.1'), undefined, {
      ca: certificate.cert,
      servername: 'wrong.example',
    });
    const { error } = await failed(ws);
    expect(error.error.code).toBe('LAPPS_ERR_CWS_TLS_VERIFY');
    expect(error.message).toMatch(/wrong\.example/);
  });
});
