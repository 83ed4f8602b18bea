import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { canReadInPlace, readInPlace } from '../src/index.js';

// The fast read path re-wraps an accepted handle with Node's `onread` option. It relies on
// `socket._handle` and the undocumented `handle` constructor option: if a Node upgrade breaks
// that, this test fails loudly instead of the server silently falling back to 'data' events.
describe('fast read path', () => {
  it('re-wraps a paused accepted socket and reads into the shared buffer', async () => {
    const received: Buffer[] = [];
    let fastPath = false;
    const readers = new Set<net.Socket>();
    let wrapped: net.Socket | undefined;
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      fastPath = canReadInPlace(socket);
      wrapped = readInPlace(socket, (bytes, reader) => {
        // The callback is told which socket read (Node's `this` for `onread.callback`).
        readers.add(reader);
        received.push(Buffer.from(bytes));
        if (Buffer.concat(received).toString() === 'hello, fast path') reader.end('done');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('hello, ');
        setTimeout(() => socket.write('fast path'), 20);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    server.close();
    expect(fastPath).toBe(true);
    expect(reply).toBe('done');
    expect([...readers]).toEqual([wrapped]);
    // The callback's bytes are views of one shared buffer: copies were kept above.
    expect(Buffer.concat(received).toString()).toBe('hello, fast path');
  });
});

describe('one read callback for many sockets', () => {
  it('tells each read which socket it came from', async () => {
    const bySocket = new Map<net.Socket, string>();
    const onBytes = (bytes: Uint8Array, socket: net.Socket) => {
      const text = (bySocket.get(socket) ?? '') + Buffer.from(bytes).toString();
      bySocket.set(socket, text);
      if (text.endsWith('.')) socket.end(text.toUpperCase());
    };
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      bySocket.set(readInPlace(socket, onBytes), '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const ask = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(text.slice(0, 3));
          setTimeout(() => socket.write(text.slice(3)), 20);
        });
        let reply = '';
        socket.on('data', (chunk) => {
          reply += chunk.toString();
        });
        socket.on('end', () => resolve(reply));
        socket.on('error', reject);
      });
    const replies = await Promise.all([ask('first one.'), ask('second one.'), ask('third.')]);
    server.close();
    expect(replies).toEqual(['FIRST ONE.', 'SECOND ONE.', 'THIRD.']);
    expect(bySocket.size).toBe(3);
  });
});
