import { describe, expect, it } from 'vitest';
import { LuaBridgeError } from '../src/errors.js';
import type { LuaModule } from '../src/module.js';
import { loadModuleChunk, returnValues } from '../src/module-kit.js';
import { StandaloneService } from '../src/standalone-service.js';
import { recordingLog, tick, writeFiles } from './fixture.js';

function standalone(code: string, instance = 0) {
  const dir = writeFiles({ 'feed.lua': code });
  const { log, entries } = recordingLog();
  return { service: new StandaloneService({ name: 'feed', dir, log }, instance), entries };
}

describe('StandaloneService', () => {
  it('runs init then run; must_stop() yields to the event loop until stop()', async () => {
    const { service, entries } = standalone(
      `feed = {}
function feed.init() print('init', instance_id, type(instance_id)) end
function feed.run()
  local turns = 0
  while not must_stop() do turns = turns + 1 end
  print('stopped', turns > 0)
end
return feed`,
      4,
    );
    await service.start();
    // The loop yields each turn: timers still fire while it runs.
    await tick(20);
    await service.stop();
    expect(entries.map((e) => e.message)).toEqual(['init\t4\tstring', 'stopped\ttrue']);
  });

  it('rejects start() with LAPPS_ERR_LUA_START when init fails', async () => {
    const { service } = standalone(
      `return { init = function() error('no config') end, run = function() end }`,
    );
    await expect(service.start()).rejects.toMatchObject({
      code: 'LAPPS_ERR_LUA_START',
      message: expect.stringMatching(/init failed: .*no config/),
    });
    await expect(service.start()).rejects.toBeInstanceOf(LuaBridgeError);
  });

  it('finishes when run() returns by itself, or fails (logged)', async () => {
    const { service } = standalone(`return { init = function() end, run = function() return end }`);
    await service.start();
    await service.finished;
    const failing = standalone(`return { init = function() end, run = function() error('x') end }`);
    await failing.service.start();
    await failing.service.finished;
    expect(failing.entries.some((e) => e.level === 'error' && /run: .*x/.test(e.message))).toBe(
      true,
    );
  });
});

describe('settings', () => {
  it('are the global `settings` table before the file runs; empty when not given', async () => {
    const code = `local n = settings.connections
feed = {}
function feed.init()
  print(type(settings), n, settings.url, settings.nested and settings.nested[2])
end
function feed.run() end
return feed`;
    const dir = writeFiles({ 'feed.lua': code });
    const given = recordingLog();
    const withSettings = new StandaloneService(
      {
        name: 'feed',
        dir,
        log: given.log,
        settings: { connections: 100, url: 'ws://127.0.0.1/echo', nested: ['a', 'b'] },
      },
      0,
    );
    await withSettings.start();
    await withSettings.finished;
    const none = recordingLog();
    const without = new StandaloneService({ name: 'feed', dir, log: none.log }, 0);
    await without.start();
    await without.finished;
    expect(given.entries[0]?.message).toBe('table\t100\tws://127.0.0.1/echo\tb');
    expect(none.entries[0]?.message).toBe('table\tnil\tnil\tnil');
  });
});

describe('StandaloneService.stop before start', () => {
  it('resolves at once', async () => {
    const { service } = standalone(`return { init = function() end, run = function() end }`);
    await service.stop();
  });
});

describe('StandaloneService.stop wakes blocking module calls', () => {
  it('calls each module stop hook once, so a run blocked in a module call can end', async () => {
    const { log, entries } = recordingLog();
    let wake: (() => void) | undefined;
    const stops: string[] = [];
    const blocking: LuaModule = {
      name: 'blocker',
      open(L, context) {
        loadModuleChunk(L, 'blocker', 'local js = ... return {wait = js.wait}', {
          // Blocks until the module is told to stop, then returns 'woken'.
          wait: (S) =>
            context.suspend(S, (resume) => {
              wake = () => resume((T) => returnValues(T, 'woken'));
            }),
        });
      },
      stop(context) {
        stops.push(context.service);
        wake?.();
      },
    };
    const dir = writeFiles({
      'feed.lua': `feed = {}
function feed.init() end
function feed.run() print(blocker.wait()) end
return feed`,
    });
    const service = new StandaloneService(
      { name: 'feed', dir, log, modules: [blocking], preload: ['blocker'] },
      0,
    );
    await service.start();
    await tick(10);
    await Promise.race([service.stop(), tick(2000).then(() => Promise.reject(new Error('hung')))]);
    await service.stop();
    expect(stops).toEqual(['feed']);
    expect(entries.map((e) => e.message)).toContain('woken');
  });
});
