// The Lua module `cws` in real standalone services against real `ws` servers (plain and TLS).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinModules, type LuaModule, StandaloneService } from '@lapps/lua-bridge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCwsModule } from '../../src/lua/index.js';
import { makeSelfSigned, type SelfSigned } from '../certificates.js';
import { type InteropServer, startWsServer } from '../ws-servers.js';

let certificate: SelfSigned;
const servers: InteropServer[] = [];
const services: StandaloneService[] = [];

beforeAll(() => {
  certificate = makeSelfSigned();
});
afterAll(() => certificate?.remove());
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(transport: 'plain' | 'tls'): Promise<InteropServer> {
  const started = await startWsServer(transport, certificate);
  servers.push(started);
  return started;
}

interface Run {
  lines: string[];
  service: StandaloneService;
  /** Resolves once a printed line matches. */
  printed(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * Starts a standalone service `probe` whose `run()` is `body`, with `url` as a global and the
 * cws module `module`. Every `print` is collected.
 */
async function run(body: string, url: string, module: LuaModule = createCwsModule()): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'cws-lua-'));
  writeFileSync(
    join(dir, 'probe.lua'),
    `probe = {}
function probe.init() end
function probe.run()
${body}
end
return probe`,
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const service = new StandaloneService(
    {
      name: 'probe',
      dir,
      preload: ['cws', 'time', 'nap'],
      modules: [module, ...builtinModules],
      settings: { url },
      log: (level, message) => {
        const line = level === 'info' ? message : `${level}: ${message}`;
        lines.push(line);
        for (const w of waiters.filter((w) => w.pattern.test(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      },
    },
    0,
  );
  services.push(service);
  await service.start();
  return {
    lines,
    service,
    printed: (pattern, timeoutMs = 4000) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern}; printed: ${lines.join(' | ')}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

// Prints every event; sends a text then a binary message, then closes.
const CONVERSATION = `
  local sock, err
  sock, err = cws:new(settings.url, {
    onopen = function(h)
      print('open', math.type(h))
      print('send', cws:send(h, 'héllo', 1))
    end,
    onmessage = function(h, msg, opcode)
      print('message', msg, opcode, #msg)
      if opcode == 1 then cws:send(h, '\\0\\1\\2', 2) else sock:close() end
    end,
    onerror = function(h, msg) print('error', msg) end,
    onclose = function(h, code, reason) print('close', code, reason) end,
  })
  if sock == nil then print('new failed', err) return end
  while not must_stop() do cws:eventLoop() end`;

describe('cws from Lua', () => {
  it('opens, sends text and binary, receives the echoes with their opcodes, closes cleanly', async () => {
    const echo = await server('plain');
    const probe = await run(CONVERSATION, echo.url('/echo'));
    await probe.printed(/^close/);
    expect(probe.lines).toEqual([
      'open\tinteger',
      'send\ttrue',
      'message\théllo\t1\t6',
      'message\t\0\u0001\u0002\t2\t3',
      'close\t1000\t',
    ]);
  });

  it('wss: refuses a certificate it cannot verify; {ca = PEM}, {verify = false} and trustedCa accept it', async () => {
    const secure = await server('tls');
    const url = secure.url('/echo');
    const refused = await run(CONVERSATION, url);
    await refused.printed(/^close/);
    expect(refused.lines[0]).toMatch(/^error\t.*(certificate|self.signed)/i);
    expect(refused.lines[1]).toBe('close\t1006\t');

    const withCa = await run(
      CONVERSATION.replace(
        '  })\n  if sock',
        `  }, { ca = ${JSON.stringify(certificate.cert)} })\n  if sock`,
      ),
      url,
    );
    await withCa.printed(/^close/);
    expect(withCa.lines).toContain('close\t1000\t');

    const unverified = await run(
      CONVERSATION.replace('  })\n  if sock', '  }, { verify = false })\n  if sock'),
      url,
    );
    await unverified.printed(/^close/);
    expect(unverified.lines).toContain('close\t1000\t');

    const trusted = await run(CONVERSATION, url, createCwsModule({ trustedCa: certificate.cert }));
    await trusted.printed(/^close/);
    expect(trusted.lines).toContain('close\t1000\t');
  });

  it('returns nil, message for a bad URL or bad arguments; send reports false, message', async () => {
    const echo = await server('plain');
    const probe = await run(
      `
  print(cws:new('http//nope', {}))
  print(cws:new(settings.url))
  print(cws:new(settings.url, {}, { verify = 'no' }))
  print(cws:send(42, 'x', 1))
  local h
  local sock = cws:new(settings.url, { onopen = function(x) h = x end })
  print('connecting', cws:send(sock.handler, 'x', 2))
  while h == nil do cws:eventLoop() end
  print('opcode', cws:send(h, 'x', 9))
  print('utf8', cws:send(h, '\\255', 1))
  print('data', cws:send(h, {}, 2))
  print('done')
  while not must_stop() do cws:eventLoop() end`,
      echo.url('/echo'),
    );
    await probe.printed(/^done/);
    const [badUrl, noCallbacks, badVerify, unknown, connecting, opcode, utf8, data] = probe.lines;
    expect(badUrl).toMatch(/^nil\tcws:new: .*URL/i);
    expect(noCallbacks).toMatch(/^nil\tusage: cws:new/);
    expect(badVerify).toMatch(/^nil\tcws:new: options.verify must be a boolean/);
    expect(unknown).toBe('false\tcws:send: no connection 42');
    expect(connecting).toBe('connecting\tfalse\tcws:send: connection 1 is connecting');
    expect(opcode).toBe('opcode\tfalse\tcws:send: opcode must be 1 (text) or 2 (binary)');
    expect(utf8).toBe('utf8\tfalse\tcws:send: a text message must be valid UTF-8');
    expect(data).toBe('data\tfalse\tcws:send: data must be a string');
  });

  it('eventLoop() yields: timers run while a service loops on it, and stop() ends the loop', async () => {
    const echo = await server('plain');
    const probe = await run(
      `local sock = cws:new(settings.url, {})
  local loops = 0
  while not must_stop() do cws:eventLoop() loops = loops + 1 end
  print('stopped', loops > 0)`,
      echo.url('/idle'),
    );
    const fired = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30));
    expect(fired).toBe(true);
    await probe.service.stop();
    expect(probe.lines).toContain('stopped\ttrue');
  });

  it('closes every connection of an instance when it stops (1000), and caps connections per instance', async () => {
    const echo = await server('plain');
    const connected = echo.nextConnection();
    const probe = await run(
      `local opened = 0
  for i = 1, 3 do
    local sock, err = cws:new(settings.url, { onopen = function() opened = opened + 1 end })
    print('new', sock ~= nil, err)
  end
  while opened < 2 do cws:eventLoop() end
  print('opened', opened)
  while not must_stop() do cws:eventLoop() end`,
      echo.url('/idle'),
      createCwsModule({ maxConnectionsPerInstance: 2 }),
    );
    await probe.printed(/^opened/);
    expect(probe.lines.slice(0, 3)).toEqual([
      'new\ttrue\tnil',
      'new\ttrue\tnil',
      'new\tfalse\tcws:new: too many connections (at most 2)',
    ]);
    const socket = await connected;
    const code = new Promise<number>((resolve) => socket.once('close', (c: number) => resolve(c)));
    await probe.service.stop();
    expect(await code).toBe(1000);
  });

  it('an error in a callback ends run() with the Lua traceback in the log, not the process', async () => {
    const echo = await server('plain');
    const probe = await run(
      `cws:new(settings.url, { onopen = function(h) error('boom in onopen') end })
  while not must_stop() do cws:eventLoop() end`,
      echo.url('/echo'),
    );
    await probe.service.finished;
    expect(probe.lines.some((l) => /^error: .*boom in onopen/.test(l))).toBe(true);
  });
});
