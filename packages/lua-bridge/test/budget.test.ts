import { describe, expect, it } from 'vitest';
import { startService, text } from './fixture.js';

describe('instruction budget', () => {
  it('cuts an endless loop in onMessage, and the instance serves the next message', async () => {
    const { service, host, entries } = await startService(
      `function svc.onMessage(h, op, msg) if msg == 'loop' then while true do end end return ws:send(h, op, msg) end`,
      { maxInstructions: 1_000_000 },
    );
    expect(service.onMessage(1, 1, text('loop'))).toBe(false);
    expect(entries.some((e) => /instruction budget exceeded/.test(e.message))).toBe(true);
    expect(service.onMessage(1, 1, text('next'))).toBe(true);
    expect(host.texts()).toEqual(['next']);
  });

  it('cannot be swallowed by pcall in a loop', async () => {
    const { service } = await startService(
      `function svc.onMessage() while true do pcall(function() while true do end end) end end`,
      { maxInstructions: 1_000_000 },
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(false);
  });

  it('resets for each call', async () => {
    const { service } = await startService(
      `function svc.onMessage() for i = 1, 200000 do end return true end`,
      { maxInstructions: 1_000_000 },
    );
    for (let i = 0; i < 10; i++) expect(service.onMessage(1, 1, text('x'))).toBe(true);
  });

  it('cuts a call by time with maxMillis', async () => {
    const { NetworkService } = await import('../src/network-service.js');
    const { writeFiles, serviceSource, recordingLog, RecordingHost } = await import('./fixture.js');
    const dir = writeFiles({
      'svc.lua': serviceSource('function svc.onMessage() while true do end end'),
    });
    const { log, entries } = recordingLog();
    const service = new NetworkService(
      { name: 'svc', dir, log, limits: { maxInstructions: 0, maxMillis: 50 } },
      0,
    );
    service.onStart(new RecordingHost());
    const started = Date.now();
    expect(service.onMessage(1, 1, text('x'))).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(entries.some((e) => /instruction budget exceeded/.test(e.message))).toBe(true);
  });
});

describe('instruction budget where Lua cannot yield', () => {
  it('cuts a loop inside a table.sort comparator and the instance keeps serving', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h, op, msg)
  if msg == 'sort' then return pcall(table.sort, {3, 2, 1}, function() while true do end end) end
  return ws:send(h, op, msg)
end`,
      { maxInstructions: 1_000_000 },
    );
    // The error is raised (the comparator cannot yield) and pcall returns false.
    expect(service.onMessage(1, 1, text('sort'))).toBe(false);
    expect(service.onMessage(1, 1, text('next'))).toBe(true);
    expect(host.texts()).toEqual(['next']);
  });
});
