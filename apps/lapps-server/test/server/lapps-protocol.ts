import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinModules, createLuaServiceFactory, resetBroadcastChannels } from '@lapps/lua-bridge';
import {
  LAppSClient,
  LAppSError,
  type ServerMessage,
  decodeServerMessage,
  encodeMessage,
} from '@lapps/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LappsServer } from '../../src/server/lapps-server.js';
import { serviceProtocol } from '../../src/server/lua-services.js';
import type { ServiceFactory } from '../../src/server/service.js';
import { type TestCertificates, makeCertificates } from './certificates.js';
import { type Transport, client, closed, echoRoute, opened, startServer } from './harness.js';

/** A LAppS service with a method for each behaviour under test. */
const SERVICE = `proto = {}
local CHANNEL = 7
local notes = {}

local function ok(h, ...) return ws:send(h, {cid = 0, status = 1, result = {...}}) end

function proto.onStart() bcast:create(CHANNEL) end

function proto.onMessage(h, t, msg)
  if t == 1 or t == 2 then
    if msg.method == 'subscribe' then bcast:subscribe(msg.cid, h) end
    local list = notes[h] or {}
    list[#list + 1] = {msg.cid, msg.method, msg.params or nljson.null}
    notes[h] = list
    return true
  end
  local m = msg.method
  if m == 'echo' then
    return ws:send(h, {cid = 0, status = 1, result = msg.params or setmetatable({}, nljson.array_mt)})
  elseif m == 'describe' then
    return ok(h, t, math.type(msg.params[1]), nljson.typename(msg.params[2]), nljson.find(msg, 'method'))
  elseif m == 'fail' then
    return ws:send(h, {cid = 0, status = 0,
      error = {code = msg.params[1], message = msg.params[2], data = {why = 'asked'}}})
  elseif m == 'notes' then
    return ws:send(h, {cid = 0, status = 1, result = notes[h] or setmetatable({}, nljson.array_mt)})
  elseif m == 'pushAround' then
    ws:send(h, {cid = 9, message = {'before'}})
    ok(h, 'answer')
    return ws:send(h, {cid = 9, status = 1, message = {'after'}})
  elseif m == 'broadcast' then
    local sent, err = bcast:send(CHANNEL, {cid = CHANNEL, message = msg.params})
    return ok(h, sent, err)
  elseif m == 'badSend' then
    local sent, err = ws:send(h, {cid = 0, status = 1})
    return ok(h, sent, err)
  elseif m == 'crash' then
    error('asked to crash')
  end
  return ws:send(h, {cid = 0, status = 0, error = {code = -32601, message = 'no such method: ' .. m}})
end

function proto.onDisconnect(h) notes[h] = nil end
function proto.onShutdown() end
return proto
`;

const lappsRoute = {
  ...echoRoute,
  name: 'proto',
  target: '/proto',
  instances: 2,
  maxMessageSize: 4 * 1024 * 1024,
  protocol: 'LAppS' as const,
};

/**
 * LAppS-protocol services end to end, written once and run against each transport: the Node
 * client, and raw frames where the exact bytes or their order matter.
 */
export function lappsProtocolBehaviour(transport: Transport): void {
  let certs: TestCertificates | undefined;
  let server: LappsServer;
  let WS: typeof WebSocket;
  const clients: LAppSClient[] = [];

  beforeAll(async () => {
    if (transport === 'tls') certs = makeCertificates();
    const ca = certs?.caPem;
    // The client constructs its socket with (url, protocols): a subclass adds the test CA.
    WS = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { ca });
      }
    } as typeof WebSocket;
    const dir = mkdtempSync(join(tmpdir(), 'lapps-proto-'));
    mkdirSync(join(dir, 'proto'));
    writeFileSync(join(dir, 'proto', 'proto.lua'), SERVICE);
    const factory = createLuaServiceFactory({
      name: 'proto',
      dir: join(dir, 'proto'),
      preload: ['bcast'],
      modules: builtinModules,
      log: () => {},
      protocol: serviceProtocol({
        name: 'proto',
        standalone: false,
        protocol: 'LAppS',
        max_inbound_message_size: lappsRoute.maxMessageSize,
      } as Parameters<typeof serviceProtocol>[0]),
    });
    server = await startServer(
      transport,
      certs,
      { services: [lappsRoute] },
      new Map<string, ServiceFactory>([['proto', factory]]),
    );
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.shutdown();
    resetBroadcastChannels();
  });

  async function connect(): Promise<LAppSClient> {
    const c = await LAppSClient.connect(`${server.url}/proto`, {
      WebSocket: WS as never,
      callTimeoutMs: 10_000,
    });
    clients.push(c);
    return c;
  }

  /** A raw `ws` socket: for bytes the client would never send, and for message order. */
  async function raw(): Promise<{
    ws: WebSocket;
    messages: ServerMessage[];
    next(): Promise<ServerMessage>;
  }> {
    const ws = client(server, '/proto', certs);
    const messages: ServerMessage[] = [];
    const waiting: Array<(m: ServerMessage) => void> = [];
    ws.on('message', (data: Buffer) => {
      const message = decodeServerMessage(data);
      messages.push(message);
      waiting.shift()?.(message);
    });
    await opened(ws);
    let seen = 0;
    return {
      ws,
      messages,
      next: () =>
        seen < messages.length
          ? Promise.resolve(messages[seen++]!)
          : new Promise((resolve) => {
              seen++;
              waiting.push(resolve);
            }),
    };
  }

  it('answers calls with their params, in order, many in flight', async () => {
    const c = await connect();
    // null stays in arrays and drops out of maps (it reads as nil in Lua, as in the original).
    expect(await c.call('echo', 'a', 1, 2.5, true, { k: [1, null, { n: null, m: 2 }] })).toEqual([
      'a',
      1,
      2.5,
      true,
      { k: [1, null, { m: 2 }] },
    ]);
    expect(await c.call('echo')).toEqual([]);
    const many = await Promise.all(Array.from({ length: 200 }, (_, i) => c.call('echo', i)));
    expect(many).toEqual(Array.from({ length: 200 }, (_, i) => [i]));
  });

  it("gives Lua the original's type numbers and a message nljson reads", async () => {
    const c = await connect();
    expect(await c.call('describe', 3, { a: 1 })).toEqual([4, 'integer', 'object', 'describe']);
  });

  it('turns error responses into LAppSError with code, message and data', async () => {
    const c = await connect();
    const error = await c.call('fail', 10, 'not allowed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LAppSError);
    expect(error).toMatchObject({ code: 10, message: 'not allowed', data: { why: 'asked' } });
    await expect(c.call('nothing')).rejects.toMatchObject({ code: -32601 });
    expect(await c.call('echo', 'still here')).toEqual(['still here']);
  });

  it('delivers notifications without answering them', async () => {
    const c = await connect();
    c.notifyOn(3, 'note');
    c.notifyOn(4, 'note', 'x', 1);
    // Were a notification answered, this call would get that answer instead of its own.
    expect(await c.call('notes')).toEqual([
      [3, 'note', null],
      [4, 'note', ['x', 1]],
    ]);
  });

  it('keeps OONs where the service sent them relative to responses', async () => {
    const { ws, next } = await raw();
    ws.send(encodeMessage({ lapps: 1, method: 'pushAround' }));
    expect(await next()).toEqual({ cid: 9, message: ['before'] });
    expect(await next()).toEqual({ cid: 0, status: 1, result: ['answer'] });
    expect(await next()).toEqual({ cid: 9, status: 1, message: ['after'] });
    ws.close();
  });

  it('carries a 1 MiB params array there and back', async () => {
    const c = await connect();
    const params = Array.from({ length: 65536 }, (_, i) => `${i}`.padStart(16, '.'));
    const result = await c.call('echo', ...params);
    expect(result).toHaveLength(65536);
    expect(result).toEqual(params);
  });

  it('answers malformed CBOR with -32700 and an invalid request with -32600, and keeps serving', async () => {
    const { ws, next } = await raw();
    ws.send(Uint8Array.of(0xff, 0xff, 0x00));
    expect(await next()).toMatchObject({ cid: 0, status: 0, error: { code: -32700 } });
    ws.send(encodeMessage({ lapps: 2, method: 'echo' }));
    const invalid = await next();
    expect(invalid).toMatchObject({ cid: 0, status: 0, error: { code: -32600 } });
    expect((invalid as { error: { message: string } }).error.message).toContain('lapps');
    ws.send(encodeMessage({ lapps: 1, method: 'bad.name', cid: 5 })); // a bad notification: no answer
    ws.send(encodeMessage({ lapps: 1, method: 'echo', params: ['after'] }));
    expect(await next()).toEqual({ cid: 0, status: 1, result: ['after'] });
    ws.close();
  });

  it('closes a text frame with 1003', async () => {
    const ws = client(server, '/proto', certs);
    await opened(ws);
    const done = closed(ws);
    ws.send('{"lapps":1,"method":"echo"}');
    expect((await done).code).toBe(1003);
  });

  it('refuses an invalid ws:send value with false and a message', async () => {
    const c = await connect();
    const [sent, err] = await c.call('badSend');
    expect(sent).toBe(false);
    expect(err).toContain('needs an array "result"');
  });

  it('closes only the connection whose call raised a Lua error (1011)', async () => {
    const other = await connect();
    const c = await connect();
    const ended = c.closed;
    await expect(c.call('crash')).rejects.toMatchObject({ code: 'LAPPS_ERR_PROTO_CLOSED' });
    expect((await ended).code).toBe(1011);
    expect(await other.call('echo', 'fine')).toEqual(['fine']);
  });

  it('pushes bcast:send values to every subscriber of the channel', async () => {
    const a = await connect();
    const b = await connect();
    const got = { a: [] as unknown[][], b: [] as unknown[][] };
    const both = new Promise<void>((resolve) => {
      const check = () => got.a.length > 0 && got.b.length > 0 && resolve();
      a.subscribe(7, (m) => {
        got.a.push(m);
        check();
      });
      b.subscribe(7, (m) => {
        got.b.push(m);
        check();
      });
    });
    a.notifyOn(7, 'subscribe');
    b.notifyOn(7, 'subscribe');
    await a.call('notes'); // the subscription has been handled once its instance answers
    await b.call('notes');
    expect(await a.call('broadcast', 'hello', 2)).toEqual([true]);
    await both;
    expect(got).toEqual({ a: [['hello', 2]], b: [['hello', 2]] });
  });
}
