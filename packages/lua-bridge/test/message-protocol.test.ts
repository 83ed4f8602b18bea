import { Decoder, Encoder } from 'cbor-x';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundResult, MessageProtocol } from '../src/message-protocol.js';
import { builtinModules } from '../src/builtin-modules.js';
import { resetBroadcastChannels } from '../src/modules/bcast.js';
import { startService, text, until } from './fixture.js';

const cbor = new Decoder({ mapsAsObjects: true, useRecords: false });

/**
 * A stand-in protocol with JSON in (outbound values are the bridge's CBOR), so that these tests
 * check the bridge's side of the plug-in (what reaches Lua, what leaves it, refusals and their
 * order) and not the LAppS rules, which @lapps/protocol tests.
 */
function jsonProtocol(): MessageProtocol & { checked: Array<{ value: unknown; use: string }> } {
  const checked: Array<{ value: unknown; use: string }> = [];
  return {
    name: 'json-test',
    checked,
    decodeInbound(opcode, payload): InboundResult {
      if (opcode === 2) return { ok: false, close: 1003, reason: 'text only' };
      const source = Buffer.from(payload).toString();
      if (source === 'unpushable') return { ok: true, type: 9, value: new Set([1]) };
      try {
        const value = JSON.parse(source) as { type?: number };
        return { ok: true, type: value.type ?? 3, value };
      } catch {
        return { ok: false, reply: text('bad json'), reason: 'bad json' };
      }
    },
    rejectInbound(reason) {
      return { ok: false, reply: text(`rejected: ${reason}`), reason };
    },
    checkOutbound(bytes, use) {
      const value = cbor.decode(bytes) as Record<string, unknown>;
      checked.push({ value, use });
      return value['bad'] === undefined ? undefined : `bad value ${String(value['bad'])}`;
    },
  };
}

/** Text frames as text; binary frames (the bridge's CBOR) as `<use>:<JSON>`. */
const payloads = (sent: Array<{ opcode: 1 | 2; payload: Uint8Array }>, use = 'send') =>
  sent.map((s) =>
    s.opcode === 1 || !(s.payload[0]! >= 0x80)
      ? Buffer.from(s.payload).toString()
      : `${use}:${JSON.stringify(cbor.decode(s.payload))}`,
  );

describe('a network service with a message protocol', () => {
  afterEach(() => resetBroadcastChannels());

  const replying = `
calls = 0
function svc.onMessage(h, t, msg)
  calls = calls + 1
  if msg.method == 'slow' then nap:new():sleep(0.02) end
  if msg.method == 'count' then return ws:send(h, {cid = 0, status = 1, result = {calls}}) end
  if msg.method == 'bad' then
    local ok, err = ws:send(h, {bad = 'yes'})
    return ws:send(h, 1, tostring(ok) .. ' ' .. err)
  end
  return ws:send(h, {cid = 0, status = 1, result = {t, msg.method, msg.params or nljson.null, nljson.typename(msg.params)}})
end`;

  it('calls onMessage(handler, type, value) and sends ws:send(handler, value) through the protocol', async () => {
    const protocol = jsonProtocol();
    const { service, host } = await startService(replying, {
      protocol,
      preload: ['nap'],
      modules: [...builtinModules],
    });
    expect(
      service.onMessage(5, 1, text(JSON.stringify({ type: 4, method: 'echo', params: ['a', 2] }))),
    ).toBe(true);
    expect(host.sent).toHaveLength(1);
    expect(host.sent[0]).toMatchObject({ handler: 5, opcode: 2 });
    expect(payloads(host.sent)).toEqual([
      'send:{"cid":0,"result":[4,"echo",["a",2],"array"],"status":1}',
    ]);
    // The protocol checked exactly the bytes that were sent.
    expect(protocol.checked).toEqual([
      { value: { cid: 0, result: [4, 'echo', ['a', 2], 'array'], status: 1 }, use: 'send' },
    ]);
  });

  it('answers a refused message with its reply and never calls Lua', async () => {
    const { service, host } = await startService(replying, {
      protocol: jsonProtocol(),
      preload: ['nap'],
      modules: [...builtinModules],
    });
    expect(service.onMessage(1, 1, text('{not json'))).toBe(true);
    expect(service.onMessage(1, 1, text('{"method":"count"}'))).toBe(true);
    expect(payloads(host.sent)).toEqual(['bad json', 'send:{"cid":0,"result":[1],"status":1}']);
    expect(host.closed).toEqual([]);
  });

  it('closes the connection when the protocol says so (a frame kind it refuses)', async () => {
    const { service, host } = await startService(replying, {
      protocol: jsonProtocol(),
      preload: ['nap'],
      modules: [...builtinModules],
    });
    expect(service.onMessage(3, 2, text('{}'))).toBe(true);
    expect(host.closed).toEqual([{ handler: 3, code: 1003, reason: 'text only' }]);
    expect(host.sent).toEqual([]);
  });

  it('refuses a value Lua cannot hold through rejectInbound, and the state stays usable', async () => {
    const { service, host } = await startService(replying, {
      protocol: jsonProtocol(),
      preload: ['nap'],
      modules: [...builtinModules],
    });
    expect(service.onMessage(1, 1, text('unpushable'))).toBe(true);
    expect(payloads(host.sent)).toEqual(['rejected: unsupported CBOR value']);
    expect(service.onMessage(1, 1, text('{"method":"count"}'))).toBe(true);
    expect(payloads(host.sent)[1]).toBe('send:{"cid":0,"result":[1],"status":1}');
  });

  it('keeps refusals in message order behind a suspended call', async () => {
    const { service, host } = await startService(replying, {
      protocol: jsonProtocol(),
      preload: ['nap'],
      modules: [...builtinModules],
    });
    expect(service.onMessage(1, 1, text('{"method":"slow"}'))).toBe(true);
    expect(service.onMessage(1, 1, text('{broken'))).toBe(true);
    expect(service.onMessage(1, 1, text('{"method":"count"}'))).toBe(true);
    expect(host.sent).toEqual([]);
    await until(() => host.sent.length >= 3);
    expect(payloads(host.sent)).toEqual([
      'send:{"cid":0,"result":[3,"slow",null,"null"],"status":1}',
      'bad json',
      'send:{"cid":0,"result":[2],"status":1}',
    ]);
  });

  it('gives Lua false and the message when the protocol refuses a value', async () => {
    const { service, host } = await startService(replying, {
      protocol: jsonProtocol(),
      preload: ['nap'],
      modules: [...builtinModules],
    });
    expect(service.onMessage(1, 1, text('{"method":"bad"}'))).toBe(true);
    expect(payloads(host.sent)).toEqual(['false bad value yes']);
  });

  it('broadcasts a table through the sender protocol as binary', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h, t, msg)
  bcast:create(5)
  bcast:subscribe(5, h)
  return bcast:send(5, {cid = 5, message = {msg.method}})
end`,
      { protocol: jsonProtocol(), preload: ['bcast'], modules: [...builtinModules] },
    );
    expect(service.onMessage(8, 1, text('{"method":"tick"}'))).toBe(true);
    expect(host.sent).toHaveLength(1);
    expect(host.sent[0]).toMatchObject({ handler: 8, opcode: 2 });
    expect(payloads(host.sent, 'broadcast')).toEqual(['broadcast:{"cid":5,"message":["tick"]}']);
  });

  it('stays raw with a protocol that only encodes values (the arguments decide the ws:send form)', async () => {
    const { decodeInbound: _decode, rejectInbound: _reject, ...valuesOnly } = jsonProtocol();
    const { service, host } = await startService(
      `function svc.onMessage(h, op, msg)
  ws:send(h, op, msg)
  return ws:send(h, {cid = 0, status = 1, result = {msg}})
end`,
      { protocol: valuesOnly },
    );
    expect(service.onMessage(2, 1, text('plain text'))).toBe(true);
    expect(payloads(host.sent)).toEqual([
      'plain text',
      'send:{"cid":0,"result":["plain text"],"status":1}',
    ]);
    expect(host.sent.map((s) => s.opcode)).toEqual([1, 2]);
  });
});

describe('a raw service without a protocol', () => {
  afterEach(() => resetBroadcastChannels());

  it('gets false and a message from ws:send(handler, value) and bcast:send(id, value)', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h, op, msg)
  local ok1, e1 = ws:send(h, {cid = 0, status = 1, result = {}})
  bcast:create(3)
  local ok2, e2 = bcast:send(3, {cid = 3, message = {}})
  return ws:send(h, 1, tostring(ok1) .. '|' .. e1 .. '|' .. tostring(ok2) .. '|' .. e2)
end`,
      { preload: ['bcast'], modules: [...builtinModules] },
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(true);
    const [reply] = payloads(host.sent);
    const [ok1, e1, ok2, e2] = (reply ?? '').split('|');
    expect(ok1).toBe('false');
    expect(e1).toMatch(/needs a message protocol \(protocol "LAppS"\)/);
    expect(ok2).toBe('false');
    expect(e2).toMatch(/bcast:send\(id, value\) needs a message protocol/);
  });
});

describe('a message protocol that checks inbound CBOR by its bytes (checkInbound)', () => {
  /** Accepts any CBOR whose first byte is a map head; the bridge builds the value itself. */
  function cborProtocol(): MessageProtocol {
    return {
      name: 'cbor-test',
      checkInbound(opcode, payload) {
        if (opcode === 1) return { ok: false, close: 1003, reason: 'binary only' };
        if (payload[0]! >> 5 !== 5) return { ok: false, reply: text('not a map'), reason: 'x' };
        return { ok: true, type: 4 };
      },
      rejectInbound(reason) {
        return { ok: false, reply: text(`rejected: ${reason}`), reason };
      },
      checkOutbound: () => undefined,
    };
  }
  const echoing = `
function svc.onMessage(h, t, msg)
  return ws:send(h, {cid = 0, status = 1, result = {t, msg.method, msg.params}})
end`;

  it('builds the value straight from the payload, and refuses what cannot be built', async () => {
    const { service, host } = await startService(echoing, { protocol: cborProtocol() });
    const encoder = new Encoder({ useRecords: false, tagUint8Array: false });
    const payload = Buffer.from(encoder.encode({ lapps: 1, method: 'echo', params: ['é', 2] }));
    expect(service.onMessage(3, 2, payload)).toBe(true);
    // A map whose text is not UTF-8: checked by the protocol, refused by the bridge.
    expect(service.onMessage(3, 2, Uint8Array.of(0xa1, 0x61, 0x61, 0x61, 0xff))).toBe(true);
    expect(service.onMessage(3, 2, encoder.encode([1]))).toBe(true);
    expect(payloads(host.sent)).toEqual([
      'send:{"cid":0,"result":[4,"echo",["é",2]],"status":1}',
      'rejected: text string is not valid UTF-8',
      'not a map',
    ]);
    await service.onShutdown();
  });
});
