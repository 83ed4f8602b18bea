import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  decodeInbound,
  encodeMessage,
  errorResponse,
  type InboundMessage,
  LAppSClient,
  LAppSError,
  outOfOrderMessage,
  ProtocolError,
  successResponse,
} from '../src/index.js';

/**
 * A tiny LAppS server: `echo` answers its params, `fail` answers an error, `tick` sends two OONs on
 * channel 5 before answering, `silent` never answers, `garbage` answers bytes that are not CBOR,
 * `text` answers a text frame, `bye` closes the connection. Every message it receives is recorded.
 */
let server: WebSocketServer;
let url: string;
let received: { type: number; message: InboundMessage }[];

beforeEach(async () => {
  received = [];
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      const { type, message } = decodeInbound(new Uint8Array(data));
      received.push({ type, message });
      if ('cid' in message) return; // a client notification: no answer
      const send = (value: unknown) => socket.send(encodeMessage(value));
      switch (message.method) {
        case 'echo':
          return send(successResponse(message.params ?? []));
        case 'fail':
          return send(errorResponse(10, 'not allowed', { why: 'test' }));
        case 'tick':
          send(outOfOrderMessage(5, ['tick', 1]));
          send(outOfOrderMessage(5, ['tick', 2]));
          return send(successResponse(['ticked']));
        case 'garbage':
          return socket.send(Uint8Array.of(0xa2, 0x61));
        case 'text':
          return socket.send('{"cid":0,"status":1,"result":[]}');
        case 'bye':
          return socket.close(1000, 'bye');
        default:
          return undefined; // 'silent'
      }
    });
  });
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

const connect = (options = {}) => LAppSClient.connect(url, { WebSocket, ...options });

describe('LAppSClient against a ws server', () => {
  it('answers calls in order', async () => {
    const client = await connect();
    const results = await Promise.all([
      client.call('echo', 1),
      client.call('echo'),
      client.call('echo', 'a', 'b'),
    ]);
    expect(results).toEqual([[1], [], ['a', 'b']]);
    expect(received.map((r) => r.type)).toEqual([4, 3, 4]);
    expect(received[1]!.message).toEqual({ lapps: 1, method: 'echo' });
    await client.close();
  });

  it('rejects with LAppSError on an error response and keeps going', async () => {
    const client = await connect();
    const failed = client.call('fail').catch((error: unknown) => error);
    const next = client.call('echo', 'after');
    const error = await failed;
    expect(error).toBeInstanceOf(LAppSError);
    expect(error).toMatchObject({ code: 10, message: 'not allowed', data: { why: 'test' } });
    expect(await next).toEqual(['after']);
    await client.close();
  });

  it('sends client notifications with a cid and gets no answer', async () => {
    const client = await connect();
    client.notify('ping');
    client.notifyOn(5, 'subscribe', 'time');
    expect(await client.call('echo', 'done')).toEqual(['done']);
    expect(received.slice(0, 2)).toEqual([
      { type: 1, message: { lapps: 1, method: 'ping', cid: 1 } },
      { type: 2, message: { lapps: 1, method: 'subscribe', params: ['time'], cid: 5 } },
    ]);
    expect(() => client.notifyOn(0, 'x')).toThrow(ProtocolError);
    await client.close();
  });

  it('delivers OONs to their channel while responses keep their order', async () => {
    const client = await connect();
    const ticks: unknown[][] = [];
    const other: unknown[][] = [];
    const unsubscribe = client.subscribe(5, (message) => ticks.push(message));
    client.subscribe(6, (message) => other.push(message));
    const [first, ticked, last] = await Promise.all([
      client.call('echo', 1),
      client.call('tick'),
      client.call('echo', 2),
    ]);
    expect([first, ticked, last]).toEqual([[1], ['ticked'], [2]]);
    expect(ticks).toEqual([
      ['tick', 1],
      ['tick', 2],
    ]);
    expect(other).toEqual([]);
    unsubscribe();
    await client.call('tick');
    expect(ticks).toHaveLength(2);
    await client.close();
  });

  it('carries a 1 MiB params array', async () => {
    const client = await connect();
    const big = Array.from({ length: 1024 }, (_, i) => 'x'.repeat(1023) + String(i % 10));
    const result = await client.call('echo', ...big);
    expect(result).toEqual(big);
    await client.close();
  });

  it('closes with a clear error on malformed CBOR from the server', async () => {
    const client = await connect();
    const pending = client.call('garbage');
    await expect(pending).rejects.toMatchObject({
      code: 'LAPPS_ERR_PROTO_CLOSED',
      cause: { code: 'LAPPS_ERR_PROTO_DECODE' },
    });
    const closed = await client.closed;
    expect(closed.error?.code).toBe('LAPPS_ERR_PROTO_DECODE');
    expect(closed.code).toBe(4002);
    await expect(client.call('echo')).rejects.toMatchObject({ code: 'LAPPS_ERR_PROTO_CLOSED' });
  });

  it('closes with a clear error on a text frame', async () => {
    const client = await connect();
    await expect(client.call('text')).rejects.toMatchObject({ code: 'LAPPS_ERR_PROTO_CLOSED' });
    const closed = await client.closed;
    expect(closed.error?.message).toContain('text frame');
  });

  it('times out a call and gives its late response to nobody else', async () => {
    const client = await connect({ callTimeoutMs: 50 });
    await expect(client.call('silent')).rejects.toMatchObject({ code: 'LAPPS_ERR_PROTO_TIMEOUT' });
    expect(client.pendingCalls).toBe(1);
    await client.close();
  });

  it('rejects pending calls when the socket closes', async () => {
    const client = await connect();
    const silent = client.call('silent');
    const bye = client.call('bye');
    await expect(silent).rejects.toMatchObject({ code: 'LAPPS_ERR_PROTO_CLOSED' });
    await expect(bye).rejects.toBeInstanceOf(ProtocolError);
    expect(await client.closed).toEqual({ code: 1000, reason: 'bye' });
    expect(client.isOpen).toBe(false);
  });

  it('rejects a call with an invalid method name without sending it', async () => {
    const client = await connect();
    await expect(client.call('a.b')).rejects.toMatchObject({ code: 'LAPPS_ERR_PROTO_ARGUMENT' });
    expect(await client.call('echo')).toEqual([]);
    expect(received).toHaveLength(1);
    await client.close();
  });

  it('fails to connect with ProtocolError CLOSED', async () => {
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    await expect(
      LAppSClient.connect(`ws://127.0.0.1:${port}/`, { WebSocket }),
    ).rejects.toMatchObject({ code: 'LAPPS_ERR_PROTO_CLOSED' });
    server = new WebSocketServer({ port: 0 });
  });
});
