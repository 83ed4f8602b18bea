import { lauxlib, lua, lualib } from 'fengari';
import { describe, expect, it } from 'vitest';
import { pushBytes, pushKeyText, pushText, toBytes } from '../src/lua-bytes.js';

describe('lua-bytes', () => {
  it('pushes a buffer into Lua without copying and reads it back as the same bytes', () => {
    const L = lauxlib.luaL_newstate();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    pushBytes(L, bytes);
    expect(lua.lua_type(L, -1)).toBe(lua.LUA_TSTRING);
    // Same object both ways: this is what breaks if fengari changes its internals.
    expect(toBytes(L, -1)).toBe(bytes);
  });

  it('gives Lua a real string (length, comparison, string library)', () => {
    const L = lauxlib.luaL_newstate();
    lauxlib.luaL_requiref(L, new TextEncoder().encode('string'), lualib.luaopen_string, 1);
    lua.lua_settop(L, 0);
    pushBytes(L, new TextEncoder().encode('hello'));
    lua.lua_setglobal(L, 'x');
    const code = new TextEncoder().encode(
      'return #x == 5 and x == "hello" and x:upper() == "HELLO"',
    );
    expect(lauxlib.luaL_loadbufferx(L, code, code.length, code, null)).toBe(0);
    lua.lua_call(L, 0, 1);
    expect(lua.lua_toboolean(L, -1)).toBe(true);
  });

  it('pushes the empty string', () => {
    const L = lauxlib.luaL_newstate();
    pushBytes(L, new Uint8Array(0));
    expect(toBytes(L, -1)?.length).toBe(0);
  });

  it('reads null for values that are not strings', () => {
    const L = lauxlib.luaL_newstate();
    lua.lua_pushboolean(L, true);
    expect(toBytes(L, -1)).toBeNull();
  });

  it('pushes JS text as UTF-8: ASCII, non-ASCII, long; refuses an unpaired surrogate', () => {
    const L = lauxlib.luaL_newstate();
    const decode = (i: number) => new TextDecoder().decode(toBytes(L, i) ?? undefined);
    const long = `${'ab'.repeat(300)}é`;
    for (const text of ['echo', 'héllo 😀', long, 'x'.repeat(256), '']) {
      expect(pushText(L, text)).toBe(true);
      expect(decode(-1)).toBe(text);
    }
    const top = lua.lua_gettop(L);
    expect(pushText(L, 'a\ud800b')).toBe(false);
    expect(pushText(L, `${'a'.repeat(300)}\udc00`)).toBe(false);
    expect(lua.lua_gettop(L)).toBe(top);
  });

  it('pushes map keys from its cache with the same content each time', () => {
    const L = lauxlib.luaL_newstate();
    expect(pushKeyText(L, 'method')).toBe(true);
    expect(pushKeyText(L, 'method')).toBe(true);
    expect(new TextDecoder().decode(toBytes(L, -1) ?? undefined)).toBe('method');
    expect(lua.lua_rawequal(L, -1, -2)).toBeTruthy();
    expect(pushKeyText(L, '\udfff')).toBe(false);
  });
});
