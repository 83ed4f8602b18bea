/**
 * Loading a service file with `require(name)` semantics and checking the LAppS contract: the
 * file's value (or, for scripts that return nothing, the global `<name>`) becomes the global
 * `<name>`, and must hold the entry functions of its kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lauxlib, lua, to_jsstring, to_luastring } from 'fengari';
import type { CoroutineRunner } from './coroutine-runner.js';
import { FAILED, SUSPENDED } from './coroutine-runner.js';
import { LuaBridgeError } from './errors.js';
import type { LuaState } from './module.js';

/** `require(name)` semantics: the chunk gets its name; a non-nil value becomes the global. */
const STORE_VALUE = to_luastring(`local chunk, name = ...
local value = chunk(name)
if value ~= nil then _ENV[name] = value end`);

/** A service name is also a file name and a global: one word, no path. */
const SERVICE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const NETWORK_ENTRIES = ['onStart', 'onMessage', 'onDisconnect', 'onShutdown'] as const;
export const STANDALONE_ENTRIES = ['init', 'run'] as const;

/**
 * Loads `<dir>/<name>.lua` into `L`, stores its value in the global `<name>` and returns registry
 * references to the `entries` functions.
 * @throws LuaBridgeError LAPPS_ERR_LUA_SERVICE_NOT_FOUND, LAPPS_ERR_LUA_LOAD, LAPPS_ERR_LUA_CONTRACT
 */
export function loadService<const E extends string>(
  L: LuaState,
  runner: CoroutineRunner,
  name: string,
  dir: string,
  entries: readonly E[],
): Record<E, number> {
  if (!SERVICE_NAME.test(name)) {
    throw new LuaBridgeError(
      'LAPPS_ERR_LUA_INVALID_ARGUMENT',
      `service name: expected a word of letters, digits, '_' or '-', got ${JSON.stringify(name)}`,
    );
  }
  const file = join(dir, `${name}.lua`);
  let code: Uint8Array;
  try {
    code = readFileSync(file);
  } catch (e) {
    throw new LuaBridgeError(
      'LAPPS_ERR_LUA_SERVICE_NOT_FOUND',
      `${file}: cannot read the service file (${(e as Error).message})`,
    );
  }
  if (lauxlib.luaL_loadbufferx(L, code, code.length, to_luastring(`@${file}`), to_luastring('t'))) {
    const message = to_jsstring(lua.lua_tolstring(L, -1) ?? to_luastring('?'));
    lua.lua_settop(L, 0);
    throw new LuaBridgeError('LAPPS_ERR_LUA_LOAD', `${file}: ${message}`);
  }
  // Run the main chunk like any entry (budget, error capture); a wrapper stores its value.
  const chunkRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  lauxlib.luaL_loadbufferx(L, STORE_VALUE, STORE_VALUE.length, to_luastring('=(loader)'), null);
  const wrapperRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  const co = runner.prepare(wrapperRef, `${name}.lua`);
  lua.lua_rawgeti(co, lua.LUA_REGISTRYINDEX, chunkRef);
  lua.lua_pushstring(co, name);
  const outcome = runner.run(2, false);
  if (outcome === FAILED || outcome === SUSPENDED) {
    throw new LuaBridgeError('LAPPS_ERR_LUA_LOAD', `${file}: ${runner.lastError}`);
  }
  return collectEntries(L, name, file, entries);
}

function collectEntries<E extends string>(
  L: LuaState,
  name: string,
  file: string,
  entries: readonly E[],
): Record<E, number> {
  if (lua.lua_getglobal(L, name) !== lua.LUA_TTABLE) {
    const type = to_jsstring(lua.lua_typename(L, lua.lua_type(L, -1)));
    lua.lua_settop(L, 0);
    throw new LuaBridgeError(
      'LAPPS_ERR_LUA_CONTRACT',
      `${file}: expected the file to return a table (or to define the global '${name}'), got ${type}`,
    );
  }
  const missing = entries.filter((entry) => {
    const type = lua.lua_getfield(L, -1, entry);
    lua.lua_settop(L, -2);
    return type !== lua.LUA_TFUNCTION;
  });
  if (missing.length > 0) {
    lua.lua_settop(L, 0);
    throw new LuaBridgeError(
      'LAPPS_ERR_LUA_CONTRACT',
      `${file}: missing ${missing.join(', ')} (this kind of service defines ${entries.join(', ')})`,
    );
  }
  const refs = {} as Record<E, number>;
  for (const entry of entries) {
    lua.lua_getfield(L, -1, entry);
    refs[entry] = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
  }
  lua.lua_settop(L, 0);
  return refs;
}
