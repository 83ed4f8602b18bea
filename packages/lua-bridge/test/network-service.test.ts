import { describe, expect, it } from 'vitest';
import { createLuaServiceFactory, NetworkService } from '../src/network-service.js';
import {
  RecordingHost,
  recordingLog,
  serviceSource,
  startService,
  text,
  until,
  writeFiles,
} from './fixture.js';

describe('NetworkService: onMessage results', () => {
  const body = `function svc.onMessage(h, op, msg)
  if msg == 'false' then return false end
  if msg == 'nil' then return nil end
  if msg == 'number' then return 1 end
  if msg == 'error' then error('kaboom') end
  if msg == 'table-error' then error({}) end
  return ws:send(h, op, msg)
end`;

  it('returns true when Lua returns true', async () => {
    const { service, host } = await startService(body);
    expect(service.onMessage(1, 1, text('hi'))).toBe(true);
    expect(host.texts()).toEqual(['hi']);
    expect(host.sent[0]?.opcode).toBe(1);
  });

  it('returns false for false, nil and non-booleans', async () => {
    const { service } = await startService(body);
    expect(service.onMessage(1, 1, text('false'))).toBe(false);
    expect(service.onMessage(1, 1, text('nil'))).toBe(false);
    expect(service.onMessage(1, 1, text('number'))).toBe(false);
  });

  it('returns false on a Lua error, logs it with a traceback, and keeps serving', async () => {
    const { service, host, entries } = await startService(body);
    expect(service.onMessage(7, 1, text('error'))).toBe(false);
    const error = entries.find((e) => e.level === 'error');
    expect(error?.message).toMatch(/onMessage: .*svc\.lua:10: kaboom/);
    expect(error?.message).toMatch(/stack traceback:/);
    expect(error?.fields).toMatchObject({ service: 'svc', instance: 0 });
    expect(service.onMessage(7, 2, text('again'))).toBe(true);
    expect(host.texts()).toEqual(['again']);
  });

  it('logs non-string error objects', async () => {
    const { service, entries } = await startService(body);
    expect(service.onMessage(7, 1, text('table-error'))).toBe(false);
    expect(entries.some((e) => e.fields?.['error'] === '(error object is a table value)')).toBe(
      true,
    );
  });

  it('passes handler and opcode through', async () => {
    const { service } = await startService(
      `function svc.onMessage(h, op, msg) return h == 12345 and op == 2 and math.type(h) == 'integer' end`,
    );
    expect(service.onMessage(12345, 2, text('x'))).toBe(true);
  });
});

describe('NetworkService: payloads', () => {
  it('round-trips every byte value 0-255 unchanged, one by one and all together', async () => {
    const { service, host } = await startService('');
    const all = new Uint8Array(256).map((_, i) => i);
    for (let i = 0; i < 256; i++) expect(service.onMessage(1, 2, all.slice(i, i + 1))).toBe(true);
    expect(service.onMessage(1, 2, all.slice())).toBe(true);
    expect(host.sent.slice(0, 256).map((s) => [...s.payload])).toEqual([...all].map((b) => [b]));
    expect([...host.sent[256]!.payload]).toEqual([...all]);
  });

  it('passes a 4 MiB message through Lua without copying it', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h, op, msg) assert(#msg == 4 * 1024 * 1024) return ws:send(h, op, msg) end`,
    );
    const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i & 0xff);
    expect(service.onMessage(1, 2, big)).toBe(true);
    expect(host.sent[0]?.payload).toBe(big);
  });

  it('Lua-built strings arrive as their bytes', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h) return ws:send(h, 2, string.char(0, 200, 255) .. 'é') end`,
    );
    service.onMessage(1, 1, text(''));
    expect([...host.sent[0]!.payload]).toEqual([0, 200, 255, 0xc3, 0xa9]);
  });
});

describe('ws module', () => {
  it('rejects bad opcodes and close codes with false, message', async () => {
    const { service, host } = await startService(`function svc.onMessage(h, op, msg)
  local ok1, m1 = ws:send(h, 9, 'x')
  local ok2, m2 = ws:close(h, 1005)
  local ok3, m3 = ws:close(h, 2999, 'r')
  local ok4 = ws:close(h, 4000, 'bye')
  local ok5 = ws:close(h, 1000)
  return ok1 == false and m1:find('opcode') ~= nil and ok2 == false and m2:find('close code') ~= nil
    and ok3 == false and ok4 == true and ok5 == true and ws:bufferedAmount(h) == 0
end`);
    expect(service.onMessage(3, 1, text('x'))).toBe(true);
    expect(host.closed).toEqual([
      { handler: 3, code: 4000, reason: 'bye' },
      { handler: 3, code: 1000, reason: undefined },
    ]);
  });

  it('returns false, message when the host refuses to send', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h, op, msg) local ok, m = ws:send(h, op, msg) return ok == false and type(m) == 'string' end`,
    );
    host.send = () => false;
    expect(service.onMessage(3, 1, text('x'))).toBe(true);
  });
});

describe('NetworkService: lifecycle', () => {
  it('runs onDisconnect and onShutdown', async () => {
    const { service, host } = await startService(`
function svc.onDisconnect(h) ws:send(h, 1, 'gone') end
function svc.onShutdown() ws:send(0, 1, 'shutdown') end`);
    service.onDisconnect(5);
    await service.onShutdown();
    expect(host.texts()).toEqual(['gone', 'shutdown']);
    expect(service.onMessage(1, 1, text('late'))).toBe(false);
  });

  it('throws a LuaBridgeError when onStart fails', () => {
    const dir = writeFiles({
      'svc.lua': serviceSource('function svc.onStart() error("no db") end'),
    });
    const { log } = recordingLog();
    const service = createLuaServiceFactory({ name: 'svc', dir, log })(0);
    expect(service).toBeInstanceOf(NetworkService);
    expect(() => service.onStart(new RecordingHost())).toThrow(/onStart failed: .*no db/);
  });

  it('sends print output to the log with service and instance', async () => {
    const { entries } = await startService(
      `function svc.onStart() print('hello', 1, nil, true) end`,
      {
        instance: 3,
      },
    );
    expect(entries).toContainEqual({
      level: 'info',
      message: 'hello\t1\tnil\ttrue',
      fields: { service: 'svc', instance: 3 },
    });
  });

  it('closes the connection with 1011 when a suspended message ends with false', async () => {
    const { napModule } = await import('../src/modules/nap.js');
    const { service, host } = await startService(
      `function svc.onMessage(h) nap:new():sleep(0.001) return false end`,
      { modules: [napModule], preload: ['nap'] },
    );
    expect(service.onMessage(4, 1, text('x'))).toBe(true);
    await until(() => host.closed.length > 0);
    expect(host.closed).toEqual([{ handler: 4, code: 1011, reason: undefined }]);
  });
});

describe('NetworkService: payload property', () => {
  it('echoes arbitrary byte strings unchanged', async () => {
    const fc = await import('fast-check');
    const { service, host } = await startService('');
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom(1 as const, 2 as const),
        (bytes, opcode) => {
          host.sent.length = 0;
          expect(service.onMessage(9, opcode, bytes)).toBe(true);
          expect(host.sent[0]?.opcode).toBe(opcode);
          expect([...host.sent[0]!.payload]).toEqual([...bytes]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
