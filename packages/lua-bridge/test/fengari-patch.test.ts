import { lauxlib, lua, lualib, to_jsstring } from 'fengari';
import { describe, expect, it } from 'vitest';

// The workspace's fengari patch (patches/fengari@0.1.5.patch, see the README) makes a call reuse the
// CallInfo and the stack slots (TValues) that an earlier call at the same depth left behind, as C
// Lua does, instead of allocating them per call. A stale field of a reused frame, or a slot shared
// with a closure, would show up as a wrong result, a wrong captured value, a wrong traceback or a
// broken coroutine: this exercises the ways frames are entered and left, many times over.

function top(L: object): string {
  const text = lua.lua_tolstring(L, -1);
  return text === null ? String(text) : to_jsstring(text);
}

/** Runs `source` in a fresh state; `hookEvery` sets a count hook as the bridge's budget does. */
function run(source: string, hookEvery = 0): string {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  if (hookEvery > 0) lua.lua_sethook(L, () => {}, lua.LUA_MASKCOUNT, hookEvery);
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

  // Reused slots: a closure keeps the values it captured while later frames at the same height
  // write theirs, and a slot read before it is written (missing arguments and results, new
  // locals) is nil, whatever an earlier call left there.
  const slots = `
    local function capture(x) local y = x * 2 local f = function() return x + y end return f end
    local function viaTail(x) local f = function() return x end return (function(g) return g end)(f) end
    local function fill(a, b, c, d, e, f, g, h) return a, b, c, d, e, f, g, h end
    local function one() return 1 end
    local function none() end
    local function args(a, b, c, d) return select("#", a, b, c, d), a, b, c, d end
    local function thrower(v) local kept = v local get = function() return kept end error(get, 0) end
    local function pair() local n = 0 return function() n = n + 1 return n end, function() return n end end
    local total = 0
    for round = 1, 40 do
      local f5, f7 = capture(5), capture(7)
      fill("a", "b", "c", "d", "e", "f", "g", "h") -- writes over the slots capture() used
      assert(f5() == 15 and f7() == 21, "captured values")
      local t = viaTail(round) fill(9, 9, 9, 9, 9, 9, 9, 9)
      assert(t() == round, "captured through a tail call")
      local fs = {}
      for i = 1, 10 do fs[i] = function() return i end end
      for k = 1, 3 do local v = k * 100 fs[10 + k] = function() return v end if k == 3 then break end end
      fill(0, 0, 0, 0, 0, 0, 0, 0)
      for i = 1, 10 do assert(fs[i]() == i, "loop variable") end
      assert(fs[11]() == 100 and fs[13]() == 300, "block left by break")
      local ok, get = pcall(thrower, "kept " .. round)
      fill(1, 2, 3, 4, 5, 6, 7, 8)
      assert(not ok and get() == "kept " .. round, "captured by a frame that raised")
      local inc, read = pair() inc() fill(1, 1, 1, 1, 1, 1, 1, 1) inc()
      assert(read() == 2, "shared upvalue")
      local co = coroutine.wrap(function(a) local seen = a local g = function() return seen end coroutine.yield(g) seen = seen + 1 return g end)
      local g1 = co(round) fill(5, 5, 5, 5, 5, 5, 5, 5)
      assert(g1() == round, "captured inside a suspended coroutine")
      local g2 = co() fill(6, 6, 6, 6, 6, 6, 6, 6)
      assert(g2() == round + 1 and g1() == round + 1, "captured by a finished coroutine")
      -- nil where nothing was written, after the slots held values
      fill(1, 2, 3, 4, 5, 6, 7, 8)
      local a, b, c, d = one()
      assert(a == 1 and b == nil and c == nil and d == nil, "missing results")
      fill(1, 2, 3, 4, 5, 6, 7, 8)
      local n, p, q, r, s = args(1)
      assert(n == 4 and p == 1 and q == nil and r == nil and s == nil, "missing arguments")
      fill(1, 2, 3, 4, 5, 6, 7, 8)
      local l1, l2, l3
      assert(l1 == nil and l2 == nil and l3 == nil, "new locals")
      assert(select("#", none()) == 0 and select("#", fill(nil, nil)) == 8, "result counts")
      local packed = { fill(1, nil, 3) }
      assert(packed[1] == 1 and packed[2] == nil and packed[3] == 3 and packed[4] == nil, "table of results")
      total = total + 1
    end
    return tostring(total)
  `;

  it('keeps captured values apart from the stack slots later calls reuse, and new slots nil', () => {
    expect(run(slots)).toBe('40');
  });

  it('does the same with a count hook on every instruction (the budget hook)', () => {
    expect(run(slots, 1)).toBe('40');
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
