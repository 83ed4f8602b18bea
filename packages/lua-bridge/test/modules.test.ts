import { afterEach, describe, expect, it } from 'vitest';
import { builtinModules } from '../src/builtin-modules.js';
import {
  deliverBroadcast,
  resetBroadcastChannels,
  setBroadcastRelay,
} from '../src/modules/bcast.js';
import { murmur3 } from '../src/murmur3.js';
import { startService, text, until } from './fixture.js';

const all = { modules: [...builtinModules], preload: ['time', 'nap', 'murmur', 'bcast'] };

async function check(expr: string): Promise<boolean> {
  const { service } = await startService(
    `function svc.onMessage(h, op, msg) return (${expr}) == true end`,
    all,
  );
  return service.onMessage(1, 1, text('x'));
}

describe('time', () => {
  it('returns milliseconds since the epoch as a float', async () => {
    const before = Date.now();
    const { service, host } = await startService(
      `function svc.onMessage(h) return ws:send(h, 1, string.format('%.0f %s', time.now(), math.type(time.now()))) end`,
      all,
    );
    service.onMessage(1, 1, text('x'));
    const [ms, type] = host.texts()[0]!.split(' ');
    expect(Number(ms)).toBeGreaterThanOrEqual(before);
    expect(Number(ms)).toBeLessThanOrEqual(Date.now());
    expect(type).toBe('float');
  });
});

describe('nap', () => {
  it('sleeps for about the time asked, in seconds, microseconds and nanoseconds', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h)
  local n = nap:new()
  local t0 = time.now()
  n:sleep(0.02) n:usleep(10000) n:nsleep(10000000)
  return ws:send(h, 1, string.format('%.0f', time.now() - t0))
end`,
      all,
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(true);
    await until(() => host.texts().length > 0);
    expect(Number(host.texts()[0])).toBeGreaterThanOrEqual(38);
  });
});

describe('murmur', () => {
  it('matches the MurmurHash3 x86_32 reference vectors', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(murmur3(enc(''))).toBe(0);
    expect(murmur3(enc(''), 1)).toBe(0x514e28b7);
    expect(murmur3(enc('hello'))).toBe(0x248bfa47);
    expect(murmur3(enc('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
  });

  it('hashes strings and numbers from Lua as non-negative floats', async () => {
    expect(await check(`murmur.hashstr('hello') == ${0x248bfa47}`)).toBe(true);
    expect(await check(`murmur.hashstr('hello\\0world') ~= murmur.hashstr('hello')`)).toBe(true);
    expect(
      await check(
        'murmur.hashnum(1) == murmur.hashnum(1.0) and murmur.hashnum(1) ~= murmur.hashnum(2)',
      ),
    ).toBe(true);
    expect(await check('murmur.hashnum(-5) >= 0 and murmur.hashnum(-5) < 2^32')).toBe(true);
  });
});

describe('bcast', () => {
  afterEach(() => resetBroadcastChannels());

  const service = `function svc.onMessage(h, op, msg)
  if msg == 'join' then bcast:create(7) return bcast:subscribe(7, h) end
  if msg == 'leave' then return bcast:unsubscribe(7, h) end
  if msg == 'bin' then return bcast:send(7, string.char(255)) end
  if msg == 'forced' then return bcast:send(7, 'abc', 2) end
  if msg == 'nochannel' then local ok, e = bcast:send(99, 'x') return ok == false and e:find('99') ~= nil end
  return bcast:send(7, msg)
end`;

  it('sends to every subscribed connection of every instance, with a fitting opcode', async () => {
    const a = await startService(service, { ...all, instance: 0 });
    const b = await startService(service, { ...all, instance: 1 });
    expect(a.service.onMessage(1, 1, text('join'))).toBe(true);
    expect(b.service.onMessage(2, 1, text('join'))).toBe(true);
    expect(a.service.onMessage(1, 1, text('hello'))).toBe(true);
    expect(b.service.onMessage(2, 1, text('bin'))).toBe(true);
    expect(b.service.onMessage(2, 1, text('forced'))).toBe(true);
    expect(a.host.sent.map((s) => [s.handler, s.opcode, [...s.payload]])).toEqual([
      [1, 1, [104, 101, 108, 108, 111]],
      [1, 2, [255]],
      [1, 2, [97, 98, 99]],
    ]);
    expect(b.host.sent.map((s) => [s.handler, s.opcode])).toEqual([
      [2, 1],
      [2, 2],
      [2, 2],
    ]);
    expect(a.service.onMessage(1, 1, text('nochannel'))).toBe(true);
  });

  it('with a relay: every send also goes out, remote broadcasts reach local subscribers', async () => {
    const published: [number, number, string][] = [];
    setBroadcastRelay({
      publish: (channel, opcode, data) =>
        published.push([channel, opcode, Buffer.from(data).toString()]),
    });
    try {
      const a = await startService(
        `function svc.onMessage(h, op, msg)
  if msg == 'sub' then return bcast:subscribe(42, h) end
  return bcast:send(42, msg)
end`,
        all,
      );
      // Channel 42 was created by no instance of this process: with a relay, subscribing works.
      expect(a.service.onMessage(1, 1, text('sub'))).toBe(true);
      expect(a.service.onMessage(1, 1, text('local'))).toBe(true);
      deliverBroadcast(42, 2, Uint8Array.of(9));
      deliverBroadcast(43, 1, text('nobody'));
      expect(published).toEqual([[42, 1, 'local']]);
      expect(a.host.sent.map((s) => [s.handler, s.opcode, [...s.payload]])).toEqual([
        [1, 1, [...text('local')]],
        [1, 2, [9]],
      ]);
    } finally {
      setBroadcastRelay(undefined);
    }
  });

  it('unsubscribes explicitly and on disconnect', async () => {
    const a = await startService(service, all);
    a.service.onMessage(1, 1, text('join'));
    a.service.onMessage(2, 1, text('join'));
    a.service.onMessage(3, 1, text('join'));
    a.service.onMessage(1, 1, text('leave'));
    a.service.onDisconnect(2);
    a.service.onMessage(3, 1, text('hi'));
    expect(a.host.sent.map((s) => s.handler)).toEqual([3]);
  });

  it('drops the subscriptions of an instance that shuts down', async () => {
    const a = await startService(service, { ...all, instance: 0 });
    const b = await startService(service, { ...all, instance: 1 });
    a.service.onMessage(1, 1, text('join'));
    b.service.onMessage(2, 1, text('join'));
    await a.service.onShutdown();
    b.service.onMessage(2, 1, text('hi'));
    expect(a.host.sent).toEqual([]);
    expect(b.host.sent.map((s) => s.handler)).toEqual([2]);
  });
});

describe('require of registered modules', () => {
  it('opens a module that is not preloaded, once', async () => {
    const { service } = await startService(
      `function svc.onMessage() return time == nil and require('time') == require('time') and type(require('time').now()) == 'number' end`,
      { modules: [...builtinModules] },
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(true);
  });
});

describe('nljson in every service', () => {
  it('is a global of network services without preload', async () => {
    const { NetworkService } = await import('../src/index.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'lapps-nljson-'));
    writeFileSync(
      join(dir, 'svc.lua'),
      `return {
        onStart = function() end,
        onMessage = function(h, op, m)
          local v = nljson.decode(m)
          ws:send(h, 1, nljson.encode({ got = v.n + 1 }))
          return true
        end,
        onDisconnect = function() end,
        onShutdown = function() end,
      }`,
    );
    const sent: string[] = [];
    const service = new NetworkService({ name: 'svc', dir, log: () => {} }, 0);
    await service.onStart({
      send: (_h, _op, payload) => {
        sent.push(new TextDecoder().decode(payload));
        return true;
      },
      close: () => {},
      bufferedAmount: () => 0,
    });
    expect(service.onMessage(1, 1, new TextEncoder().encode('{"n":41}'))).toBe(true);
    expect(sent).toEqual(['{"got":42}']);
  });
});
