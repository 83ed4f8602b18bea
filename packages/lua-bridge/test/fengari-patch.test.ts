import { lauxlib, lua, lualib, to_jsstring } from 'fengari';
import { describe, expect, it } from 'vitest';

// The workspace's fengari patch (patches/fengari@0.1.5.patch, see the README) makes a call reuse the
// CallInfo that an earlier call at the same depth left behind, as C Lua does, instead of allocating
// one per call. A stale field of a reused frame would show up as a wrong result, a wrong traceback
// or a broken coroutine: this exercises the ways frames are entered and left, many times over.

function top(L: object): string {
  const text = lua.lua_tolstring(L, -1);
  return text === null ? String(text) : to_jsstring(text);
}

function run(source: string): string {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const code = new TextEncoder().encode(source);
  if (lauxlib.luaL_loadbufferx(L, code, code.length, code, null) !== lua.LUA_OK) {
    throw new Error(top(L));
  }
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error(top(L));
  return top(L);
}

describe('fengari call frames (patched)', () => {
  it('keeps results right across deep, shallow, tail and JS calls, errors and coroutines', () => {
    const result = run(`
      local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
      local function tail(n, acc) if n == 0 then return acc end return tail(n - 1, acc + 1) end
      local function fails(n) if n == 0 then error("deep failure", 0) end return fails(n - 1) + 1 end
      local total = 0
      for round = 1, 50 do
        -- deep frames, then shallow ones reusing them
        assert(depth(150) == 150)
        assert(tail(10000, 0) == 10000)
        assert(select("#", string.byte("abc", 1, 3)) == 3)
        -- an error unwinds many frames; the next calls reuse them
        local ok, message = pcall(fails, 40)
        assert(not ok and message == "deep failure", tostring(message))
        assert(depth(3) == 3)
        -- JS functions calling back into Lua
        local sorted = { 5, 3, 9, 1 }
        table.sort(sorted, function(a, b) return depth(a) < depth(b) end)
        assert(table.concat(sorted, ",") == "1,3,5,9")
        assert(string.gsub("a-b", "%-", function() return tostring(depth(2)) end) == "a2b")
        -- coroutines that yield from nested frames, resumed after other calls
        local co = coroutine.wrap(function(a)
          local function inner(x) return coroutine.yield(x + depth(5)) end
          local b = inner(a)
          local c = inner(b)
          return a + b + c
        end)
        local y1 = co(1)
        assert(y1 == 6 and depth(20) == 20)
        local y2 = co(10)
        assert(y2 == 15)
        assert(co(100) == 111)
        -- pcall with a yield inside a coroutine (continuations)
        local co2 = coroutine.create(function()
          local ok2, v = pcall(function() return coroutine.yield(1) + 1 end)
          assert(ok2)
          return v
        end)
        local _, first = coroutine.resume(co2)
        local _, second = coroutine.resume(co2, 41)
        assert(first == 1 and second == 42)
        total = total + 1
      end
      return tostring(total)
    `);
    expect(result).toBe('50');
  });

  it('gives the same traceback after frames were reused as on a fresh state', () => {
    const traceback = (warmUp: boolean) =>
      run(`
      local function warm(n) if n == 0 then return 0 end return warm(n - 1) end
      if ${warmUp} then for _ = 1, 20 do warm(30) end end
      local function c() return debug.traceback("here", 1) end
      local function b() local t = c() return t end
      local function a() local t = b() return t end
      return a()
    `);
    const fresh = traceback(false);
    expect(fresh).toMatch(/in upvalue 'c'\n.*in upvalue 'b'\n/);
    expect(fresh).not.toContain('warm');
    expect(traceback(true)).toBe(fresh);
  });
});
