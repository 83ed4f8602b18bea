import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LogFunction,
  NetworkService,
  StandaloneService,
  builtinModules,
} from '@lapps/lua-bridge';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueues, MessageQueues } from '../src/index.js';
import { createMqrModule } from '../src/lua/index.js';

const NETWORK = `local svc = {}
function svc.onStart() end
function svc.onDisconnect(h) end
function svc.onShutdown() end
function svc.onMessage(h, op, msg)
  local out = {}
  local chunk = load('return function(h) ' .. msg .. ' end')()
  local results = table.pack(chunk(h))
  for i = 1, results.n do out[#out + 1] = tostring(results[i]) end
  ws:send(h, 1, table.concat(out, '|'))
  return true
end
return svc
`;

const CONSUMER = `local svc = {}
function svc.init() end
function svc.run()
  local q = mqr.create(settings.queue)
  while not must_stop() do
    local m = q:recv()
    if m == nil then return end
    print('got ' .. tostring(m.n) .. ' ' .. instance_id)
  end
end
return svc
`;

const stopped: Array<{ onShutdown(): unknown } | { stop(): Promise<void> }> = [];

afterEach(async () => {
  for (const s of stopped.splice(0)) {
    if ('stop' in s) await s.stop();
    else await s.onShutdown();
  }
});

function serviceDir(name: string, source: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'mqr-lua-')), name);
  mkdirSync(dir);
  writeFileSync(join(dir, `${name}.lua`), source);
  return dir;
}

async function network(backend: LocalQueues) {
  const sent: string[] = [];
  const service = new NetworkService(
    {
      name: 'svc',
      dir: serviceDir('svc', NETWORK),
      log: () => {},
      modules: [...builtinModules, createMqrModule({ backend })],
      preload: ['mqr'],
    },
    0,
  );
  await service.onStart({
    send: (_h, _op, payload) => {
      sent.push(Buffer.from(payload).toString());
      return true;
    },
    close() {},
    bufferedAmount: () => 0,
  });
  stopped.push(service);
  /** Runs Lua in the service; resolves with its results joined by '|'. */
  const run = async (code: string): Promise<string> => {
    const before = sent.length;
    service.onMessage(1, 1, Buffer.from(code));
    for (let i = 0; i < 2000 && sent.length === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return sent[before] ?? '(no reply)';
  };
  return { run, service };
}

async function consumer(backend: LocalQueues, instance: number, lines: string[]) {
  const log: LogFunction = (_level, message) => lines.push(message);
  const service = new StandaloneService(
    {
      name: 'svc',
      dir: serviceDir('svc', CONSUMER),
      log,
      modules: [...builtinModules, createMqrModule({ backend })],
      preload: ['mqr'],
      settings: { queue: 'jobs' },
    },
    instance,
  );
  await service.start();
  stopped.push(service);
  return service;
}

describe('the Lua module mqr', () => {
  it('posts and receives tables, strings, numbers and booleans', async () => {
    const backend = new LocalQueues();
    const { run } = await network(backend);
    expect(
      await run(`local q = mqr.create('a')
        q:post({n = 1, list = {'x', 2}})
        q:post('text') q:post(2.5) q:post(false)
        local t = q:try_recv()
        return t.n, t.list[1], t.list[2], q:try_recv(), q:try_recv(), q:try_recv(), q:try_recv()`),
    ).toBe('1|x|2|text|2.5|false|nil');
  });

  it('interoperates with the TypeScript API', async () => {
    const backend = new LocalQueues();
    const { run } = await network(backend);
    const queue = new MessageQueues(backend).queue('shared');
    await queue.post({ from: 'ts', values: [1, 2] });
    expect(await run(`local m = mqr.create('shared'):try_recv() return m.from, #m.values`)).toBe(
      'ts|2',
    );
    await run(`return mqr.create('shared'):post({from = 'lua'})`);
    expect(await queue.receive()).toEqual({ from: 'lua' });
  });

  it('returns false and the reason for a full queue, a big message, a bad value', async () => {
    const backend = new LocalQueues({ capacity: 1, maxMessageBytes: 64 });
    const { run } = await network(backend);
    expect(await run(`local q = mqr.create('a') q:post(1) return q:post(2)`)).toBe(
      'false|queue full: a holds its capacity of 1 messages',
    );
    expect(await run(`return mqr.create('b'):post(string.rep('x', 100))`)).toMatch(
      /^false\|message of \d+ bytes is larger than the limit of 64$/,
    );
    expect(await run(`return mqr.create('b'):post({f = print})`)).toBe(
      'false|mqr: cannot encode a function',
    );
    expect(await run(`return mqr.create('')`)).toBe(
      'nil|usage: mqr.create(name): a queue name is a non-empty string',
    );
    expect(await run(`return mqr.create(5)`)).toBe(
      'nil|usage: mqr.create(name): name is a non-empty string',
    );
  });

  it('yields in recv: the server keeps serving, then the competing receivers share the work', async () => {
    const backend = new LocalQueues();
    const lines: string[] = [];
    await consumer(backend, 0, lines);
    await consumer(backend, 1, lines);
    const { run } = await network(backend);
    // Both consumers are blocked in q:recv(); the network service still answers.
    expect(await run('return 1 + 1')).toBe('2');
    await run(`local q = mqr.create('jobs') for i = 1, 50 do q:post({n = i}) end return true`);
    for (let i = 0; i < 2000 && lines.length < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const got = lines.filter((l) => l.startsWith('got ')).map((l) => l.split(' '));
    expect(got.map((g) => Number(g[1])).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(new Set(got.map((g) => g[2]))).toEqual(new Set(['0', '1']));
  });

  it('loses no message to a stopped instance: its waiting recv is cancelled', async () => {
    const backend = new LocalQueues();
    const lines: string[] = [];
    const first = await consumer(backend, 0, lines);
    await first.stop();
    stopped.splice(stopped.indexOf(first), 1);
    backend.post('jobs', Buffer.from([0xa1, 0x61, 0x6e, 0x07])); // CBOR {n: 7}
    expect(backend.size('jobs')).toBe(1);
    await consumer(backend, 1, lines);
    for (let i = 0; i < 2000 && lines.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(lines).toContain('got 7 1');
  });
});
