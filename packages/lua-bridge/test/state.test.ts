import { describe, expect, it } from 'vitest';
import { startService, text } from './fixture.js';

/** Runs `expr` (a Lua expression) in onMessage and returns whether it was true. */
async function check(expr: string, files: Record<string, string> = {}): Promise<boolean> {
  const { service } = await startService(
    `function svc.onMessage(h, op, msg) return (${expr}) == true end`,
    { files },
  );
  return service.onMessage(1, 1, text('x'));
}

describe('sandbox', () => {
  it('has no io, debug, package, dofile, loadfile, and only a clock-only os', async () => {
    expect(await check('io == nil and debug == nil and package == nil')).toBe(true);
    expect(await check('dofile == nil and loadfile == nil')).toBe(true);
    expect(
      await check('os.execute == nil and os.exit == nil and os.getenv == nil and os.remove == nil'),
    ).toBe(true);
    expect(
      await check(
        "type(os.time()) == 'number' and type(os.clock()) == 'number' and type(os.date()) == 'string'",
      ),
    ).toBe(true);
  });

  it('opens base, table, string, math, coroutine, utf8 and aliases unpack', async () => {
    expect(
      await check(
        "type(table.concat) == 'function' and type(string.format) == 'function' and type(math.floor) == 'function' and type(coroutine.wrap) == 'function' and type(utf8.char) == 'function' and unpack == table.unpack",
      ),
    ).toBe(true);
  });

  it('loads text chunks and refuses binary ones', async () => {
    expect(await check("load('return 1 + 1')() == 2")).toBe(true);
    expect(await check("load('return x', 'c', 'bt', { x = 5 })() == 5")).toBe(true);
    expect(
      await check(
        "(function() local f, e = load(string.dump(function() return 1 end)) return f == nil and e:find('binary') ~= nil end)()",
      ),
    ).toBe(true);
  });

  it('requires a sibling file, a nested one, and caches them', async () => {
    const files = {
      'helper.lua': 'local n = 0 return { inc = function() n = n + 1 return n end }',
      'lib/util.lua': 'return { name = ... }',
    };
    expect(
      await check(
        "require('helper').inc() == 1 and require('helper').inc() == 2 and require('lib.util').name == 'lib.util'",
        files,
      ),
    ).toBe(true);
  });

  it('refuses paths that leave the service folder', async () => {
    for (const name of ['../x', '/etc/passwd', 'a/../../b', '..', '.hidden']) {
      expect(
        await check(
          `(function() local ok, e = pcall(require, '${name}') return not ok and e:find('invalid module name') ~= nil end)()`,
        ),
      ).toBe(true);
    }
    expect(await check("not pcall(require, 'missing')")).toBe(true);
  });

  it('fails string.rep of 1 GiB cleanly and keeps the process alive', async () => {
    expect(
      await check(
        "(function() local ok, e = pcall(string.rep, 'x', 1024 * 1024 * 1024) return not ok and e:find('too large') ~= nil end)()",
      ),
    ).toBe(true);
    expect(await check("#string.rep('ab', 3, ',') == 8")).toBe(true);
  });

  it('turns a JS exception inside a library call into a Lua error', async () => {
    // A table too big for a JS array: fengari throws a RangeError from table.concat's buffer.
    expect(
      await check(
        "(function() local ok, e = pcall(string.rep, string.rep('x', 60 * 1024 * 1024), 2) return not ok end)()",
      ),
    ).toBe(true);
    // Building 60 MiB in fengari takes seconds on a loaded CI machine.
  }, 60_000);
});
