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
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      fastPath = canReadInPlace(socket);
      const wrapped = readInPlace(socket, (bytes) => {
        received.push(Buffer.from(bytes));
        if (Buffer.concat(received).toString() === 'hello, fast path') wrapped.end('done');
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
    // The callback's bytes are views of one shared buffer: copies were kept above.
    expect(Buffer.concat(received).toString()).toBe('hello, fast path');
  });
});
