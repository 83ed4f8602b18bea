import { describe, expect, it } from 'vitest';
import type { LuaModule } from '../src/module.js';
import {
  argBoolean,
  argBytes,
  argNumber,
  argString,
  argType,
  loadModuleChunk,
  returnValues,
} from '../src/module-kit.js';
import { startService, text } from './fixture.js';

// A module whose Lua side calls JS functions that read every kind of argument and return values.
const seen: unknown[] = [];
const kit: LuaModule = {
  name: 'kit',
  open(L) {
    loadModuleChunk(
      L,
      'kit',
      `local core = ...
local kit = {}
function kit.describe(...) return core.describe(...) end
function kit.values() return core.values() end
function kit.twice(f, x) return f(f(x)) end
return kit`,
      {
        describe(S) {
          seen.push([
            argType(S, 1),
            argType(S, 2),
            argType(S, 3),
            argType(S, 4),
            argType(S, 5),
            argType(S, 6),
          ]);
          seen.push([argString(S, 1), argNumber(S, 2), argBoolean(S, 3), argBytes(S, 1)?.length]);
          // A number is not a string here, unlike lua_tolstring's conversion.
          seen.push([argString(S, 2), argNumber(S, 1), argBoolean(S, 6)]);
          return returnValues(S, true);
        },
        values(S) {
          return returnValues(S, 'é', 7, 2 ** 40, 0.5, false, null, new Uint8Array([0, 255]));
        },
      },
    );
  },
};

describe('module kit', () => {
  it('reads arguments by type and returns JS values as Lua values', async () => {
    const { service, host } = await startService(
      `function svc.onMessage(h)
  kit.describe('héllo', 42, true, {}, function() end)
  local s, i, big, f, b, n, bytes = kit.values()
  local parts = { s, math.type(i), i, math.type(big), string.format('%.0f', big), f, tostring(b),
    tostring(n), #bytes, bytes:byte(2) }
  for k, v in ipairs(parts) do parts[k] = tostring(v) end
  return ws:send(h, 1, table.concat(parts, ' '))
end`,
      { modules: [kit], preload: ['kit'] },
    );
    expect(service.onMessage(1, 1, text('x'))).toBe(true);
    expect(seen).toEqual([
      ['string', 'number', 'boolean', 'table', 'function', 'nil'],
      ['héllo', 42, true, 6],
      [undefined, undefined, undefined],
    ]);
    expect(host.texts()).toEqual([`é integer 7 float ${2 ** 40} 0.5 false nil 2 255`]);
  });

  it('a module chunk that does not compile fails loudly, naming the module', async () => {
    const broken: LuaModule = {
      name: 'broken',
      open(L) {
        loadModuleChunk(L, 'broken', 'return {', {});
      },
    };
    await expect(startService('', { modules: [broken], preload: ['broken'] })).rejects.toThrow(
      /broken/,
    );
  });
});
