/**
 * Bytes in and out of Lua without copies. fengari keeps a Lua string as a `Uint8Array` inside a
 * `TString`; `lua_pushlstring` copies it (`luaS_new`), so the bridge blesses the caller's buffer
 * into a `TString` directly. This touches fengari internals (`luaS_bless`, `pushsvalue2s`): they
 * live in this one file, fengari is pinned to 0.1.5, and test/lua-bytes.test.ts fails loudly if a
 * fengari update changes them.
 */
import { lua } from 'fengari';
import { pushsvalue2s } from 'fengari/src/lobject.js';
import { luaS_bless } from 'fengari/src/lstring.js';
import type { LuaState } from './module.js';

/**
 * Pushes `bytes` as a Lua string without copying. The caller gives up the buffer: it must never
 * be mutated afterwards (Lua strings are immutable and may be shared).
 */
export function pushBytes(L: LuaState, bytes: Uint8Array): void {
  if (bytes.length === 0) {
    lua.lua_pushliteral(L, '');
    return;
  }
  pushsvalue2s(L, luaS_bless(L, bytes));
}

/** A Lua string over `bytes` (taken, not copied), kept to be pushed again: for string caches. */
export interface LuaStringObject {
  /** The string's bytes (fengari's TString field). */
  readonly realstring: Uint8Array;
}

/** Makes a Lua string of `bytes` without copying them; see {@link pushBytes} for the rules. */
export function blessBytes(L: LuaState, bytes: Uint8Array): LuaStringObject {
  return luaS_bless(L, bytes) as LuaStringObject;
}

/** Pushes a Lua string made by {@link blessBytes} (strings are immutable: share them freely). */
export function pushLuaString(L: LuaState, s: LuaStringObject): void {
  pushsvalue2s(L, s);
}

/**
 * The bytes of the string at `idx` (no copy; numbers are converted in place like
 * `lua_tolstring`), or null when the value is neither a string nor a number. Read-only.
 */
export function toBytes(L: LuaState, idx: number): Uint8Array | null {
  return lua.lua_tolstring(L, idx);
}

/**
 * Pushes a JS string as its UTF-8 bytes, blessed without a second copy. Returns false (and pushes
 * nothing) when the string has an unpaired surrogate, which has no UTF-8 form.
 *
 * `Buffer.from` takes small buffers from Node's shared pool: a fresh ArrayBuffer of more than 64
 * bytes costs 1-3 µs (off-heap allocation), as much as the rest of a LAppS call's conversions.
 */
export function pushText(L: LuaState, text: string): boolean {
  if (text.length === 0) {
    lua.lua_pushliteral(L, '');
    return true;
  }
  const bytes = Buffer.from(text, 'utf8');
  // Only non-ASCII text can hide a lone surrogate (Buffer.from would write U+FFFD for it).
  if (bytes.length !== text.length && LONE_SURROGATE.test(text)) return false;
  pushsvalue2s(L, luaS_bless(L, bytes));
  return true;
}

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Map keys repeat (`lapps`, `method`, `params`...), and so do short values such as method names:
 * their Lua strings are kept, with the hash that fengari computes for table keys on first use
 * (`methods[message.method]`), instead of being encoded and hashed each time. Bounded, so that
 * clients sending ever new strings cannot grow it; the first strings seen stay.
 */
const keyStrings = new Map<string, ReturnType<typeof luaS_bless>>();
const MAX_CACHED_KEYS = 1024;
const MAX_CACHED_KEY_LENGTH = 32;

/** Pushes a map key or a short string like {@link pushText}, from a cache for short ones. */
export function pushKeyText(L: LuaState, key: string): boolean {
  if (key.length > MAX_CACHED_KEY_LENGTH) return pushText(L, key);
  const cached = keyStrings.get(key);
  if (cached !== undefined) {
    pushsvalue2s(L, cached);
    return true;
  }
  if (!pushText(L, key)) return false;
  if (keyStrings.size < MAX_CACHED_KEYS && key.length > 0) {
    keyStrings.set(key, luaS_bless(L, lua.lua_tolstring(L, -1) as Uint8Array));
  }
  return true;
}
