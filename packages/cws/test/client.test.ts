// Client-side conformance against a raw TCP server that writes its own 101 and frames, and reads
// the client's frames without a WebSocket library.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketClient } from '../src/index.js';
import { client, closeClients, closed, failed, messages, nextMessage, opened } from './clients.js';
import {
  closeOf,
  closeRawServers,
  type RawConnection,
  serverFrame,
  startRawServer,
} from './raw-server.js';
import { startWsServer } from './ws-servers.js';

afterEach(async () => {
  // Servers first: a raw server never answers a close frame, so its clients would wait out
  // closeTimeoutMs instead of seeing the TCP connection end.
  closeRawServers();
  await closeClients();
});

describe('frames the client sends', () => {
  it('masks every frame, with a different key each time', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'));
    const peer = await server.nextConnection();
    peer.accept();
    await opened(ws);
    const payload = 'the same payload, twice';
    ws.send(payload);
    ws.send(payload);
    ws.send(Buffer.from(payload));
    const frames = await peer.frames(3);
    for (const frame of frames) {
      expect(frame.masked).toBe(true);
      expect(frame.fin).toBe(true);
      expect(frame.payload.toString()).toBe(payload);
    }
    expect(frames.map((f) => f.opcode)).toEqual([1, 1, 2]);
    const keys = new Set(frames.map((f) => f.key.toString('hex')));
    expect(keys.size).toBe(3);
  });

  it('sends its close frame masked, with code and reason', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'));
    const peer = await server.nextConnection();
    peer.accept();
    await opened(ws);
    ws.close(1000, 'bye');
    const [frame] = await peer.frames(1);
    expect(frame!.opcode).toBe(8);
    expect(frame!.masked).toBe(true);
    expect(closeOf(frame!)).toEqual({ code: 1000, reason: 'bye' });
  });
});

describe('frames the server sends', () => {
  it('delivers a message that came in the same TCP chunk as the 101', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'));
    const got = nextMessage(ws);
    const peer = await server.nextConnection();
    peer.socket.write(Buffer.concat([Buffer.from(peer.response()), serverFrame(1, 'first!')]));
    expect((await got).data).toBe('first!');
  });

  it('delivers frames split at every byte', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'));
    const got = messages(ws, 3);
    const peer = await server.nextConnection();
    const bytes = Buffer.concat([
      Buffer.from(peer.response()),
      serverFrame(1, 'héllo'),
      serverFrame(9, 'ping'), // answered on the way
      serverFrame(2, Buffer.alloc(300, 7)),
      serverFrame(1, 'x'.repeat(70_000)),
    ]);
    // Every byte on its own up to the last payload, whose 70000 bytes go 1000 at a time.
    const bigPayloadStart = bytes.length - 70_000;
    for (let i = 0; i < bytes.length; ) {
      const step = i < bigPayloadStart ? 1 : 1000;
      peer.socket.write(bytes.subarray(i, i + step));
      i += step;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const [text, binary, big] = await got;
    expect(text).toBe('héllo');
    expect((binary as Buffer).equals(Buffer.alloc(300, 7))).toBe(true);
    expect(big).toBe('x'.repeat(70_000));
    const [pong] = await peer.frames(1);
    expect([pong!.opcode, pong!.masked, pong!.payload.toString()]).toEqual([10, true, 'ping']);
  });

  it('closes with 1002 on a masked server frame', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'));
    const result = failed(ws);
    const peer = await server.nextConnection();
    peer.accept();
    await opened(ws);
    peer.socket.write(serverFrame(1, 'masked', Buffer.of(1, 2, 3, 4)));
    const [frame] = await peer.frames(1);
    expect(closeOf(frame!).code).toBe(1002);
    const { error, close } = await result;
    expect(error.error.code).toBe('LAPPS_ERR_CWS_PROTOCOL');
    expect((error.error.cause as { code: string }).code).toBe('LAPPS_ERR_MASKED_FRAME');
    expect([close.code, close.wasClean]).toEqual([1002, false]);
  });

  it('closes with 1007 on invalid UTF-8 in a text message', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'));
    const result = failed(ws);
    const peer = await server.nextConnection();
    peer.accept();
    peer.socket.write(serverFrame(1, Buffer.of(0xff, 0xfe)));
    const [frame] = await peer.frames(1);
    expect(closeOf(frame!).code).toBe(1007);
    expect((await result).close.code).toBe(1007);
  });

  it('gives up the close handshake after closeTimeoutMs when the server never answers', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'), undefined, { closeTimeoutMs: 50 });
    const peer = await server.nextConnection();
    peer.accept();
    await opened(ws);
    const done = closed(ws);
    ws.close(1000);
    await peer.frames(1); // the close frame arrived; the server says nothing back
    const event = await done;
    expect([event.code, event.wasClean]).toEqual([1006, false]);
    expect(ws.readyState).toBe(WebSocketClient.CLOSED);
  });

  it('reports 1006 without error when the server drops TCP without a close frame', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'));
    const errors: unknown[] = [];
    ws.onerror = (e) => errors.push(e);
    const peer = await server.nextConnection();
    peer.accept();
    await opened(ws);
    const done = closed(ws);
    peer.socket.end();
    const event = await done;
    expect([event.code, event.wasClean]).toEqual([1006, false]);
    expect(errors).toEqual([]);
  });
});

describe('the opening handshake', () => {
  async function rejected(respond: (peer: RawConnection) => void, protocols?: string[]) {
    const server = await startRawServer();
    const ws = client(server.url('/'), protocols);
    const opens: unknown[] = [];
    ws.onopen = (e) => opens.push(e);
    const result = failed(ws);
    respond(await server.nextConnection());
    const outcome = await result;
    expect(opens).toEqual([]);
    expect([outcome.close.code, outcome.close.wasClean]).toEqual([1006, false]);
    expect(ws.protocol).toBe('');
    return outcome.error.error;
  }

  it('sends a valid upgrade request: Host with the port, path and query, version 13', async () => {
    const server = await startRawServer();
    client(server.url('/a/b?c=d&e'), ['p1', 'p2']);
    const peer = await server.nextConnection();
    const { request } = peer;
    expect(request.method).toBe('GET');
    expect(request.target).toBe('/a/b?c=d&e');
    expect(request.headers.get('host')).toEqual([`127.0.0.1:${server.port}`]);
    expect(request.headers.get('upgrade')).toEqual(['websocket']);
    expect(request.headers.get('sec-websocket-version')).toEqual(['13']);
    expect(request.headers.get('sec-websocket-protocol')).toEqual(['p1, p2']);
    expect(request.headers.get('sec-websocket-extensions')).toBeUndefined();
    expect(Buffer.from(peer.key, 'base64').length).toBe(16);
  });

  it('rejects a wrong Sec-WebSocket-Accept', async () => {
    const error = await rejected((peer) =>
      peer.socket.write(peer.response([], 'dGhlIHNhbXBsZSBub25jZQ==')),
    );
    expect(error.code).toBe('LAPPS_ERR_CWS_HANDSHAKE');
    expect(error.message).toMatch(/Sec-WebSocket-Accept/);
  });

  it('rejects a subprotocol it did not offer', async () => {
    const error = await rejected(
      (peer) => peer.accept(['Sec-WebSocket-Protocol: chat.v9']),
      ['chat.v1'],
    );
    expect(error.code).toBe('LAPPS_ERR_CWS_HANDSHAKE');
    expect(error.message).toMatch(/subprotocol/);
  });

  it('rejects any extension (it offers none)', async () => {
    const error = await rejected((peer) =>
      peer.accept(['Sec-WebSocket-Extensions: permessage-deflate']),
    );
    expect(error.message).toMatch(/permessage-deflate/);
  });

  it('rejects a status other than 101, naming it', async () => {
    const error = await rejected((peer) =>
      peer.socket.write('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'),
    );
    expect(error.code).toBe('LAPPS_ERR_CWS_HANDSHAKE');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/403 Forbidden/);
  });

  it('times out against a server that never answers', async () => {
    const server = await startRawServer();
    const ws = client(server.url('/'), undefined, { handshakeTimeoutMs: 100 });
    const { error, close } = await failed(ws);
    expect(error.error.code).toBe('LAPPS_ERR_CWS_HANDSHAKE_TIMEOUT');
    expect([close.code, close.wasClean]).toEqual([1006, false]);
  });

  it('reports a refused connection', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const ws = client(`ws://127.0.0.1:${port}/`);
    const { error, close } = await failed(ws);
    expect(error.error.code).toBe('LAPPS_ERR_CWS_CONNECT');
    expect(close.code).toBe(1006);
  });
});

describe('IPv6', () => {
  it('connects to an IPv6 literal, with brackets in Host', async () => {
    const server = await startWsServer('plain', undefined, '::1');
    try {
      const url = server.url('/echo');
      expect(url).toMatch(/^ws:\/\/\[::1\]:\d+\/echo$/);
      const ws = client(url);
      await opened(ws);
      expect(server.requests[0]?.headers['host']).toBe(new URL(url).host);
      const reply = nextMessage(ws);
      ws.send('over v6');
      expect((await reply).data).toBe('over v6');
    } finally {
      await closeClients();
      await server.close();
    }
  });
});
