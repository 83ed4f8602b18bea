import { describe, expect, it } from 'vitest';
import { napModule } from '../src/modules/nap.js';
import { startService, text, until } from './fixture.js';

const sleepy = `function svc.onMessage(h, op, msg)
  if msg:sub(1, 5) == 'sleep' then nap:new():sleep(0.03) end
  return ws:send(h, op, msg)
end
function svc.onDisconnect(h) ws:send(h, 1, 'disconnected') end`;

describe('coroutines', () => {
  it('lets another instance answer while one sleeps', async () => {
    const options = { modules: [napModule], preload: ['nap'] };
    const a = await startService(sleepy, { ...options, instance: 0 });
    const b = await startService(sleepy, { ...options, instance: 1 });
    expect(a.service.onMessage(1, 1, text('sleep'))).toBe(true);
    expect(a.host.sent).toEqual([]);
    expect(b.service.onMessage(2, 1, text('quick'))).toBe(true);
    expect(b.host.texts()).toEqual(['quick']);
    await until(() => a.host.texts().length > 0);
    expect(a.host.texts()).toEqual(['sleep']);
  });

  it('processes the events of one instance in order while one suspends', async () => {
    const { service, host } = await startService(sleepy, {
      modules: [napModule],
      preload: ['nap'],
    });
    expect(service.onMessage(1, 1, text('sleep-1'))).toBe(true);
    expect(service.onMessage(1, 1, text('two'))).toBe(true);
    expect(service.onMessage(1, 1, text('sleep-3'))).toBe(true);
    service.onDisconnect(1);
    expect(service.onMessage(1, 1, text('five'))).toBe(true);
    expect(host.texts()).toEqual([]);
    await until(() => host.texts().length >= 5);
    expect(host.texts()).toEqual(['sleep-1', 'two', 'sleep-3', 'disconnected', 'five']);
  });

  it('waits for a suspended entry before onShutdown', async () => {
    const { service, host } = await startService(
      `${sleepy}\nfunction svc.onShutdown() ws:send(0, 1, 'bye') end`,
      { modules: [napModule], preload: ['nap'] },
    );
    service.onMessage(1, 1, text('sleep'));
    await service.onShutdown();
    expect(host.texts()).toEqual(['sleep', 'bye']);
  });

  it('suspends inside pcall', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h, op, msg)
  local ok = pcall(function() nap:new():usleep(1000) end)
  return ws:send(h, op, tostring(ok))
end`,
      { modules: [napModule], preload: ['nap'] },
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(true);
    await until(() => host.texts().length > 0);
    expect(host.texts()).toEqual(['true']);
  });

  it('refuses to suspend inside a Lua-created coroutine, as a Lua error', async () => {
    const { service } = await startService(
      `function svc.onMessage()
  local co = coroutine.create(function() nap:new():sleep(0.001) end)
  local ok, e = coroutine.resume(co)
  return ok == false and e:find('cannot suspend') ~= nil
end`,
      { modules: [napModule], preload: ['nap'] },
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(true);
  });

  it('treats a bare coroutine.yield in an entry as an error', async () => {
    const { service, entries } = await startService(
      `function svc.onMessage() coroutine.yield() return true end`,
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(false);
    expect(entries.some((e) => /coroutine\.yield\(\) outside a coroutine/.test(e.message))).toBe(
      true,
    );
  });

  it('lets onStart suspend, queueing messages until it ends', async () => {
    const { NetworkService } = await import('../src/network-service.js');
    const { writeFiles, serviceSource, recordingLog, RecordingHost } = await import('./fixture.js');
    const dir = writeFiles({
      'svc.lua': serviceSource(`function svc.onStart() nap:new():sleep(0.01) end`),
    });
    const service = new NetworkService(
      { name: 'svc', dir, log: recordingLog().log, modules: [napModule], preload: ['nap'] },
      0,
    );
    const host = new RecordingHost();
    const started = service.onStart(host);
    expect(started).toBeInstanceOf(Promise);
    expect(service.onMessage(1, 1, text('queued'))).toBe(true);
    expect(host.sent).toEqual([]);
    await started;
    await until(() => host.texts().length > 0);
    expect(host.texts()).toEqual(['queued']);
  });
});
