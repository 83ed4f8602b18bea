import type net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedConnection, RejectReason } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';
import { closed, echo, echoConnection, readUntilClose, waitUntil } from './sockets.js';
import { closeListeners, transports } from './transports.js';

let pki: TestPki;
let server: ServerCertificate;
beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server');
});
afterAll(() => pki?.remove());
afterEach(closeListeners);

/** onReject as the server uses it: write a reply (here a marker naming the reason) and end. */
function replyFull(socket: net.Socket, _conn: AcceptedConnection, reason: RejectReason): void {
  socket.end(`FULL ${reason}\n`);
}

describe.each(transports(() => ({ pki, server })))('connection caps over $name', (transport) => {
  it('maxConnections 2: the third connection gets onReject(max-connections)', async () => {
    const listener = await transport.listen({
      maxConnections: 2,
      onConnection: echoConnection,
      onReject: replyFull,
    });
    const port = listener.address().port;
    const a = await transport.connect(port);
    const b = await transport.connect(port);
    await echo(a, 'a');
    await echo(b, 'b');
    const c = await transport.connect(port);
    expect((await readUntilClose(c)).data.toString()).toBe('FULL max-connections\n');
    expect(listener.connections).toBe(2);

    // A freed slot admits the next one.
    a.destroy();
    await waitUntil(() => listener.connections === 1, 'the count to drop');
    const d = await transport.connect(port);
    expect(await echo(d, 'd')).toBe('d');
    expect(listener.connections).toBe(2);
    b.destroy();
    d.destroy();
    await waitUntil(() => listener.connections === 0, 'all closed');
  });

  it('maxConnectionsPerAddress 1: a second connection from the same address is refused', async () => {
    const listener = await transport.listen({
      maxConnectionsPerAddress: 1,
      onConnection: echoConnection,
      onReject: replyFull,
    });
    const port = listener.address().port;
    const first = await transport.connect(port);
    await echo(first, '1');
    const second = await transport.connect(port);
    expect((await readUntilClose(second)).data.toString()).toBe('FULL max-per-address\n');
    first.end();
    await closed(first);
    await waitUntil(() => listener.connections === 0, 'the first to be released');
    const third = await transport.connect(port);
    expect(await echo(third, '3')).toBe('3');
    third.destroy();
  });

  it('without onReject, a connection over the cap is destroyed', async () => {
    const listener = await transport.listen({ maxConnections: 0, onConnection: echoConnection });
    // For TLS the handshake still completes (a 503 could be written), then the socket goes.
    const client = await transport.connect(listener.address().port).catch(() => undefined);
    if (client !== undefined) expect((await readUntilClose(client)).data.length).toBe(0);
    expect(listener.connections).toBe(0);
  });

  it('the socket given to onReject is a TLSSocket after its handshake (TLS) or the paused socket (plain)', async () => {
    let encrypted: unknown;
    let paused: boolean | undefined;
    const listener = await transport.listen({
      maxConnections: 0,
      onConnection: echoConnection,
      onReject(socket, conn, reason) {
        encrypted = (socket as { encrypted?: boolean }).encrypted === true;
        paused = socket.isPaused();
        replyFull(socket, conn, reason);
      },
    });
    const client = await transport.connect(listener.address().port);
    await readUntilClose(client);
    expect(encrypted).toBe(transport.name === 'tls');
    if (transport.name === 'plain') expect(paused).toBe(true);
  });
});
