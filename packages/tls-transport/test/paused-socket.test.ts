// The server's fast path (DESIGN.md section 3) re-wraps the accepted socket's handle in a new
// net.Socket with an `onread` shared buffer. It leans on Node internals (`_handle` and the `handle`
// constructor option): if a Node upgrade breaks them, these tests must fail loudly.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcceptedConnection } from '../src/index.js';
import { closed, readBytes, waitUntil } from './sockets.js';
import { closeListeners, listen } from './transports.js';

afterEach(closeListeners);

interface Accepted {
  socket: net.Socket;
  conn: AcceptedConnection;
}

async function acceptOne(onAccept?: (accepted: Accepted) => void) {
  let resolveAccepted!: (accepted: Accepted) => void;
  const accepted = new Promise<Accepted>((resolve) => {
    resolveAccepted = resolve;
  });
  const listener = await listen({
    host: '127.0.0.1',
    port: 0,
    onConnection(socket, conn) {
      onAccept?.({ socket, conn });
      resolveAccepted({ socket, conn });
    },
  });
  const client = net.connect({ host: '127.0.0.1', port: listener.address().port });
  return { listener, client, accepted: await accepted };
}

/** Re-wraps a handle the way the server does; returns the new socket and what it received. */
function rewrap(socket: net.Socket): { wrapped: net.Socket; received: Buffer[] } {
  const received: Buffer[] = [];
  const handle = (socket as unknown as { _handle: unknown })._handle;
  expect(
    handle,
    'socket._handle (Node internal) is gone: the onread fast path cannot work',
  ).toBeTruthy();
  const wrapped = new net.Socket({
    handle,
    onread: {
      buffer: Buffer.alloc(65536),
      callback(length: number, buffer: Uint8Array) {
        // The buffer is shared and overwritten by the next read: copy what we keep.
        received.push(Buffer.from(buffer.subarray(0, length)));
        return true;
      },
    },
  } as net.SocketConstructorOpts);
  // Once re-wrapped, the old object must not close the shared handle.
  (socket as unknown as { _handle: unknown })._handle = null;
  return { wrapped, received };
}

describe('the socket given to onConnection (plain TCP)', () => {
  it('is paused and untouched: no data listener, nothing read', async () => {
    let pausedAtHandOver: boolean | undefined;
    let dataListeners: number | undefined;
    const { client, accepted } = await acceptOne(({ socket }) => {
      pausedAtHandOver = socket.isPaused();
      dataListeners = socket.listenerCount('data');
    });
    client.write('early bytes');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pausedAtHandOver).toBe(true);
    expect(dataListeners).toBe(0);
    expect(accepted.socket.readableFlowing).toBe(false);
    expect(accepted.socket.bytesRead).toBe(0);
    expect(accepted.socket.readableLength).toBe(0);
    client.destroy();
  });

  it("can be re-wrapped with an onread buffer that receives the client's bytes", async () => {
    const { listener, client, accepted } = await acceptOne();
    client.write('sent before the re-wrap;');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { wrapped, received } = rewrap(accepted.socket);
    accepted.conn.track(wrapped);
    accepted.conn.ready();
    client.write('and after');
    const expected = 'sent before the re-wrap;and after';
    await waitUntil(
      () => Buffer.concat(received).toString() === expected,
      'the bytes through onread',
    );

    // Writing goes through the new socket too.
    wrapped.write('pong');
    expect((await readBytes(client, 4)).toString()).toBe('pong');

    // The count follows the tracked socket: it drops when THAT socket closes.
    expect(listener.connections).toBe(1);
    client.end();
    await closed(wrapped);
    await waitUntil(() => listener.connections === 0, 'the count to follow the tracked socket');
  });

  it('after track(), the deadline and close() act on the new socket', async () => {
    const { listener, client, accepted } = await acceptOne();
    const { wrapped } = rewrap(accepted.socket);
    accepted.conn.track(wrapped);
    // The old object closing (the server discards it) must not release the connection.
    accepted.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(listener.connections).toBe(1);
    expect(wrapped.destroyed).toBe(false);
    await listener.close();
    expect(wrapped.destroyed).toBe(true);
    expect(listener.connections).toBe(0);
    client.destroy();
  });

  it('track() on a socket that already closed releases the connection', async () => {
    const { listener, client, accepted } = await acceptOne();
    const other = new net.Socket();
    other.destroy();
    await closed(other);
    accepted.conn.track(other);
    await waitUntil(() => listener.connections === 0, 'the release');
    client.destroy();
  });
});
