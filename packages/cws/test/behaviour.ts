import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CwsError, WebSocketClient } from '../src/index.js';
import { makeSelfSigned, type SelfSigned } from './certificates.js';
import { client, closeClients, closed, failed, messages, nextMessage, opened } from './clients.js';
import { type InteropServer, startWsServer, type Transport } from './ws-servers.js';

/**
 * The client's behaviour against a `ws` server, written once and run over each transport
 * (crossws's pattern): plain.test.ts and tls.test.ts call this with 'plain' and 'tls'.
 */
export function clientBehaviour(transport: Transport): void {
  let certificate: SelfSigned | undefined;
  let server: InteropServer;

  beforeAll(async () => {
    if (transport === 'tls') certificate = makeSelfSigned();
    server = await startWsServer(transport, certificate);
  });

  afterAll(async () => {
    await server?.close();
    certificate?.remove();
  });

  afterEach(closeClients);

  const connect = (path: string, protocols?: string | string[], options = {}): WebSocketClient =>
    client(server.url(path), protocols, { ...server.clientOptions, ...options });

  describe(`over ${transport}`, () => {
    it('opens with the browser properties set', async () => {
      const ws = connect('/echo?x=1');
      expect(ws.readyState).toBe(WebSocketClient.CONNECTING);
      expect(ws.url).toBe(server.url('/echo?x=1'));
      await opened(ws);
      expect(ws.readyState).toBe(ws.OPEN);
      expect(ws.protocol).toBe('');
      expect(ws.extensions).toBe('');
      expect(ws.binaryType).toBe('nodebuffer');
      expect(server.requests.at(-1)?.url).toBe('/echo?x=1');
    });

    it('echoes text and binary messages from 0 bytes to 1 MiB', async () => {
      const ws = connect('/echo');
      await opened(ws);
      for (const size of [0, 1, 125, 126, 127, 65535, 65536, 1024 * 1024]) {
        const bytes = Buffer.alloc(size);
        for (let i = 0; i < size; i++) bytes[i] = (i * 31 + size) & 0xff;
        const text = 'é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2); // `size` UTF-8 bytes
        const replies = messages(ws, 2);
        ws.send(text);
        ws.send(bytes);
        const [gotText, gotBinary] = await replies;
        expect(gotText, `text of ${size} bytes`).toBe(text);
        expect(Buffer.isBuffer(gotBinary)).toBe(true);
        expect((gotBinary as Buffer).equals(bytes), `binary of ${size} bytes`).toBe(true);
      }
    });

    it('delivers many sends of one turn in order', async () => {
      const ws = connect('/echo');
      await opened(ws);
      const count = 1000;
      const replies = messages(ws, count);
      for (let i = 0; i < count; i++) ws.send(i % 2 === 0 ? `m${i}` : Buffer.from(`m${i}`));
      // Batched: queued in the client until the end of the turn, then handed over at once.
      expect(ws.bufferedAmount).toBeGreaterThan(count * 6);
      const got = await replies;
      expect(got.map((d) => d.toString())).toEqual(
        Array.from({ length: count }, (_, i) => `m${i}`),
      );
    });

    it('sends ArrayBuffers and any ArrayBufferView as binary', async () => {
      const ws = connect('/echo');
      await opened(ws);
      const replies = messages(ws, 3);
      ws.send(new Uint8Array([1, 2, 3]).buffer);
      ws.send(new DataView(new Uint8Array([9, 4, 5, 6]).buffer, 1, 3));
      ws.send(new Uint16Array([0x0807]));
      const got = (await replies).map((d) => [...(d as Buffer)]);
      expect(got).toEqual([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8],
      ]);
      expect(() => ws.send(42 as never)).toThrow(CwsError);
    });

    it('delivers binary messages as binaryType says', async () => {
      const ws = connect('/echo', undefined, { binaryType: 'arraybuffer' });
      await opened(ws);
      const payload = Buffer.from([1, 2, 3, 4]);

      let reply = nextMessage(ws);
      ws.send(payload);
      let data = (await reply).data;
      expect(data).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([1, 2, 3, 4]);

      ws.binaryType = 'uint8array';
      reply = nextMessage(ws);
      ws.send(payload);
      data = (await reply).data;
      expect((data as Uint8Array).constructor).toBe(Uint8Array);
      expect([...(data as Uint8Array)]).toEqual([1, 2, 3, 4]);

      ws.binaryType = 'nodebuffer';
      reply = nextMessage(ws);
      ws.send(payload);
      expect(Buffer.isBuffer((await reply).data)).toBe(true);

      expect(() => {
        ws.binaryType = 'blob' as never;
      }).toThrow(/"blob" is the browser default/);
      expect(ws.binaryType).toBe('nodebuffer');
    });

    it('offers subprotocols and reports the one the server chose', async () => {
      const ws = connect('/chat', ['chat.v1', 'chat.v2', 'other']);
      await opened(ws);
      expect(ws.protocol).toBe('chat.v2');
      expect(server.requests.at(-1)?.headers['sec-websocket-protocol']).toBe(
        'chat.v1, chat.v2, other',
      );
      const none = connect('/chat', 'other');
      await opened(none);
      expect(none.protocol).toBe('');
    });

    it('sends extra headers and Origin', async () => {
      const ws = connect('/headers', undefined, {
        headers: [
          ['Authorization', 'Bearer abc'],
          ['X-Multi', 'a'],
          ['X-Multi', 'b'],
        ],
        origin: 'https://app.example',
      });
      await opened(ws);
      const headers = server.requests.at(-1)!.headers;
      expect(headers['authorization']).toBe('Bearer abc');
      expect(headers['x-multi']).toBe('a, b');
      expect(headers['origin']).toBe('https://app.example');
      expect(headers['host']).toBe(new URL(server.url('/')).host);
    });

    it('answers pings with pongs carrying the same payload', async () => {
      const connection = server.nextConnection();
      const ws = connect('/script');
      await opened(ws);
      const peer = await connection;
      const pong = new Promise<Buffer>((resolve) => peer.once('pong', resolve));
      peer.ping(Buffer.from('are you there'));
      expect((await pong).toString()).toBe('are you there');
    });

    it('closes cleanly when it starts the closing handshake', async () => {
      const connection = server.nextConnection();
      const ws = connect('/script');
      await opened(ws);
      const peer = await connection;
      const serverSaw = new Promise<[number, string]>((resolve) =>
        peer.once('close', (code, reason) => resolve([code, reason.toString()])),
      );
      const done = closed(ws);
      ws.close(4000, 'done here');
      expect(ws.readyState).toBe(WebSocketClient.CLOSING);
      ws.send('discarded'); // no throw after close()
      const event = await done;
      expect(await serverSaw).toEqual([4000, 'done here']);
      expect([event.code, event.reason, event.wasClean]).toEqual([4000, 'done here', true]);
      expect(ws.readyState).toBe(WebSocketClient.CLOSED);
    });

    it('closes cleanly when the server starts the closing handshake', async () => {
      const connection = server.nextConnection();
      const ws = connect('/script');
      await opened(ws);
      const peer = await connection;
      const serverSaw = new Promise<number>((resolve) => peer.once('close', resolve));
      const done = closed(ws);
      peer.close(4001, 'server bye');
      const event = await done;
      expect([event.code, event.reason, event.wasClean]).toEqual([4001, 'server bye', true]);
      expect(await serverSaw).toBe(4001); // the client echoed the code
    });

    it('reports 1005 when the server closes without a code', async () => {
      const connection = server.nextConnection();
      const ws = connect('/script');
      await opened(ws);
      const done = closed(ws);
      (await connection).close();
      const event = await done;
      expect([event.code, event.wasClean]).toEqual([1005, true]);
    });

    it('closes with 1009 on a message over maxMessageSize', async () => {
      const connection = server.nextConnection();
      const ws = connect('/script', undefined, { maxMessageSize: 1000 });
      await opened(ws);
      const peer = await connection;
      const serverSaw = new Promise<number>((resolve) => peer.once('close', resolve));
      const result = failed(ws);
      peer.send(Buffer.alloc(1000)); // at the limit: fine
      peer.send(Buffer.alloc(1001));
      const { error, close } = await result;
      expect(error.error.code).toBe('LAPPS_ERR_CWS_PROTOCOL');
      expect(error.error.closeCode).toBe(1009);
      expect([close.code, close.wasClean]).toEqual([1009, false]);
      expect(await serverSaw).toBe(1009);
    });

    it('fires open, message and close through properties and listeners, once listeners once', async () => {
      const ws = connect('/echo');
      const seen: string[] = [];
      const once = (): void => {
        seen.push('once');
      };
      const removed = (): void => {
        seen.push('removed');
      };
      ws.onopen = () => seen.push('onopen');
      ws.addEventListener('open', () => seen.push('listener'));
      ws.addEventListener('message', once, { once: true });
      ws.addEventListener('message', removed);
      ws.removeEventListener('message', removed);
      await opened(ws);
      const two = messages(ws, 2);
      ws.send('a');
      ws.send('b');
      await two;
      expect(seen).toEqual(['onopen', 'listener', 'once']);
    });

    it('throws on send while connecting, and aborts on close while connecting', async () => {
      const ws = connect('/echo');
      expect(() => ws.send('early')).toThrow(
        expect.objectContaining({ code: 'LAPPS_ERR_CWS_STATE' }),
      );
      const result = failed(ws);
      ws.close();
      expect(ws.readyState).toBe(WebSocketClient.CLOSING);
      const { error, close } = await result;
      expect(error.error.code).toBe('LAPPS_ERR_CWS_ABORTED');
      expect([close.code, close.wasClean]).toEqual([1006, false]);
    });
  });
}
