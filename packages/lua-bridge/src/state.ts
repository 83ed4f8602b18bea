/**
 * Sandboxed Lua states: only the libraries a service needs, a text-only `load`, a `require` that
 * stays inside the service folder and the registered modules, and `print` into the log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lauxlib, lua, lualib, to_jsstring, to_luastring } from 'fengari';
import { LuaBridgeError } from './errors.js';
import type { LuaModule, LuaModuleContext, LuaState } from './module.js';
import { raiseLuaError } from './lua-raise.js';

export interface SandboxOptions {
  /** The service folder `require` reads `<name>.lua` files from. */
  readonly dir: string;
  /** Modules `require` (and `preload`) can name. */
  readonly modules: readonly LuaModule[];
  readonly context: LuaModuleContext;
  /** Largest string `string.rep` may build (default 64 MiB). */
  readonly maxStringBytes?: number;
}

/** The registry field holding the table of loaded modules (`require`'s cache). */
const LOADED = to_luastring('lapps.loaded');
/** `require` names: dot-separated words, so no '..', no '/', no absolute paths. */
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const MODE_TEXT = to_luastring('t');

const LIBRARIES: ReadonlyArray<readonly [string, (L: LuaState) => number]> = [
  ['_G', lualib.luaopen_base],
  ['table', lualib.luaopen_table],
  ['string', lualib.luaopen_string],
  ['math', lualib.luaopen_math],
  ['coroutine', lualib.luaopen_coroutine],
  ['utf8', lualib.luaopen_utf8],
];

/** `load` forced to text mode: binary chunks bypass the compiler's checks, so they are refused. */
const TEXT_LOAD = `local _load, select = ...
return function(chunk, name, mode, ...)
  if select('#', ...) > 0 then return _load(chunk, name, 't', ...) end
  return _load(chunk, name, 't')
end`;

/** Creates a sandboxed state. Modules are not opened here: `require` or `preload` opens them. */
export function createSandboxedState(options: SandboxOptions): LuaState {
  const L = lauxlib.luaL_newstate();
  // A JS exception inside a library function (fengari throws RangeError for huge allocations)
  // becomes an ordinary Lua error instead of unwinding through the VM.
  lua.lua_atnativeerror(L, (S) => {
    const e = lua.lua_touserdata(S, 1);
    lua.lua_pushliteral(S, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    return 1;
  });
  for (const [name, open] of LIBRARIES) {
    lauxlib.luaL_requiref(L, to_luastring(name), open, 1);
    lua.lua_settop(L, 0);
  }
  removeGlobals(L, ['dofile', 'loadfile']);
  installTextLoad(L);
  installOs(L);
  installStringRepLimit(L, options.maxStringBytes ?? 64 * 1024 * 1024);
  // 5.1-era scripts call `unpack`.
  lua.lua_getglobal(L, 'table');
  lua.lua_getfield(L, -1, 'unpack');
  lua.lua_setglobal(L, 'unpack');
  lua.lua_settop(L, 0);

  lua.lua_createtable(L, 0, 8);
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, LOADED);
  installPrint(L, options.context);
  installRequire(L, options);
  return L;
}

/**
 * Opens the named modules as globals (the service's `preload` list).
 * @throws LuaBridgeError LAPPS_ERR_LUA_UNKNOWN_MODULE naming the known modules.
 */
export function preloadModules(
  L: LuaState,
  names: readonly string[],
  modules: readonly LuaModule[],
  context: LuaModuleContext,
): void {
  for (const name of names) {
    const module = modules.find((m) => m.name === name);
    if (module === undefined) {
      const known = modules.map((m) => m.name).join(', ');
      throw new LuaBridgeError(
        'LAPPS_ERR_LUA_UNKNOWN_MODULE',
        `preload: unknown module '${name}' (known: ${known || 'none'})`,
      );
    }
    openModule(L, module, context);
    lua.lua_setglobal(L, name);
  }
}

/** Pushes the module's value, opening it once per state (cached like `require`). */
function openModule(L: LuaState, module: LuaModule, context: LuaModuleContext): void {
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, LOADED);
  if (lua.lua_getfield(L, -1, module.name) !== lua.LUA_TNIL) {
    lua.lua_remove(L, -2);
    return;
  }
  lua.lua_settop(L, -2);
  module.open(L, context);
  lua.lua_pushvalue(L, -1);
  lua.lua_setfield(L, -3, module.name);
  lua.lua_remove(L, -2);
}

function removeGlobals(L: LuaState, names: readonly string[]): void {
  for (const name of names) {
    lua.lua_pushnil(L);
    lua.lua_setglobal(L, name);
  }
}

function installTextLoad(L: LuaState): void {
  const code = to_luastring(TEXT_LOAD);
  lauxlib.luaL_loadbufferx(L, code, code.length, to_luastring('=(sandbox)'), MODE_TEXT);
  lua.lua_getglobal(L, 'load');
  lua.lua_getglobal(L, 'select');
  lua.lua_call(L, 2, 1);
  lua.lua_setglobal(L, 'load');
}

/** A tiny `os`: only the clock functions (no execute, exit, getenv, remove, rename, tmpname). */
function installOs(L: LuaState): void {
  lauxlib.luaL_requiref(L, to_luastring('os'), lualib.luaopen_os, 0);
  lua.lua_createtable(L, 0, 3);
  for (const name of ['time', 'clock', 'date']) {
    lua.lua_getfield(L, -2, name);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_setglobal(L, 'os');
  lua.lua_settop(L, 0);
}

/** fengari would happily allocate a 1 GiB `string.rep` in the server process: cap it. */
function installStringRepLimit(L: LuaState, maxBytes: number): void {
  lua.lua_getglobal(L, 'string');
  lua.lua_getfield(L, -1, 'rep');
  const rep = lua.lua_tocfunction(L, -1);
  lua.lua_settop(L, -2);
  if (rep === null) throw new Error('fengari string.rep is not a JS function');
  lua.lua_pushcfunction(L, (S) => {
    const s = lauxlib.luaL_checklstring(S, 1);
    const n = lauxlib.luaL_checkinteger(S, 2);
    const sep = lua.lua_tolstring(S, 3);
    const total = n <= 0 ? 0 : s.length * n + (sep === null ? 0 : sep.length * (n - 1));
    if (total > maxBytes) {
      return raiseLuaError(S, `resulting string too large (${total} bytes, limit ${maxBytes})`);
    }
    return rep(S);
  });
  lua.lua_setfield(L, -2, 'rep');
  lua.lua_settop(L, 0);
}

function installPrint(L: LuaState, context: LuaModuleContext): void {
  lua.lua_pushcfunction(L, (S) => {
    const n = lua.lua_gettop(S);
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      parts.push(to_jsstring(lauxlib.luaL_tolstring(S, i)));
      lua.lua_settop(S, -2);
    }
    context.log('info', parts.join('\t'), {
      service: context.service,
      instance: context.instance,
    });
    return 0;
  });
  lua.lua_setglobal(L, 'print');
}

function installRequire(L: LuaState, options: SandboxOptions): void {
  const { dir, modules, context } = options;
  lua.lua_pushcfunction(L, (S) => {
    const nameBytes = lauxlib.luaL_checklstring(S, 1);
    const name = to_jsstring(nameBytes);
    lua.lua_settop(S, 1);
    lua.lua_getfield(S, lua.LUA_REGISTRYINDEX, LOADED); // 2
    if (lua.lua_getfield(S, 2, nameBytes) !== lua.LUA_TNIL) return 1;
    lua.lua_settop(S, 2);
    const module = modules.find((m) => m.name === name);
    if (module !== undefined) {
      openModule(S, module, context);
      return 1;
    }
    if (!MODULE_NAME.test(name)) {
      return raiseLuaError(
        S,
        `require: invalid module name '${name}' (dot-separated words inside the service folder)`,
      );
    }
    const file = join(dir, `${name.replaceAll('.', '/')}.lua`);
    let code: Uint8Array;
    try {
      code = readFileSync(file);
    } catch {
      return raiseLuaError(
        S,
        `module '${name}' not found: no registered module and no file '${file}'`,
      );
    }
    if (lauxlib.luaL_loadbufferx(S, code, code.length, to_luastring(`@${file}`), MODE_TEXT) !== 0) {
      return lua.lua_error(S);
    }
    lua.lua_pushvalue(S, 1);
    lua.lua_call(S, 1, 1); // 3: the chunk's value
    if (lua.lua_type(S, 3) === lua.LUA_TNIL) {
      lua.lua_settop(S, 2);
      lua.lua_pushboolean(S, true);
    }
    lua.lua_pushvalue(S, 3);
    lua.lua_setfield(S, 2, nameBytes);
    return 1;
  });
  lua.lua_setglobal(L, 'require');
}
