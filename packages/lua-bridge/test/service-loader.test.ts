import { describe, expect, it } from 'vitest';
import { LuaBridgeError } from '../src/errors.js';
import { NetworkService } from '../src/network-service.js';
import { StandaloneService } from '../src/standalone-service.js';
import { recordingLog, writeFiles } from './fixture.js';

function load(code: string, kind: 'network' | 'standalone' = 'network') {
  const dir = writeFiles({ 'svc.lua': code });
  const { log } = recordingLog();
  const options = { name: 'svc', dir, log };
  return () =>
    kind === 'network' ? new NetworkService(options, 0) : new StandaloneService(options, 0);
}

function caught(f: () => unknown): LuaBridgeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LuaBridgeError);
    return e as LuaBridgeError;
  }
  throw new Error('expected a LuaBridgeError');
}

describe('service contract', () => {
  it('names the file and every missing network entry', () => {
    const e = caught(load('return { onStart = function() end, onShutdown = function() end }'));
    expect(e.code).toBe('LAPPS_ERR_LUA_CONTRACT');
    expect(e.message).toMatch(/svc\.lua: missing onMessage, onDisconnect/);
  });

  it('names the missing standalone entries', () => {
    const e = caught(load('return { init = function() end }', 'standalone'));
    expect(e.code).toBe('LAPPS_ERR_LUA_CONTRACT');
    expect(e.message).toMatch(/svc\.lua: missing run\b/);
  });

  it('rejects a file that returns no table', () => {
    const e = caught(load('return 42'));
    expect(e.code).toBe('LAPPS_ERR_LUA_CONTRACT');
    expect(e.message).toMatch(/expected the file to return a table.*got number/);
  });

  it('accepts the global <name> when the file returns nothing (older scripts)', () => {
    const make = load(`svc = {}
function svc.onStart() end function svc.onMessage() return true end
function svc.onDisconnect() end function svc.onShutdown() end`);
    expect(make()).toBeInstanceOf(NetworkService);
  });

  it('reports syntax errors with the file and line', () => {
    const e = caught(load('local x = = 1'));
    expect(e.code).toBe('LAPPS_ERR_LUA_LOAD');
    expect(e.message).toMatch(/svc\.lua:1:/);
  });

  it('reports a failing main chunk', () => {
    const e = caught(load('error("nope")'));
    expect(e.code).toBe('LAPPS_ERR_LUA_LOAD');
    expect(e.message).toMatch(/svc\.lua:1: nope/);
  });

  it('reports a missing file', () => {
    const { log } = recordingLog();
    const e = caught(() => new NetworkService({ name: 'none', dir: writeFiles({}), log }, 0));
    expect(e.code).toBe('LAPPS_ERR_LUA_SERVICE_NOT_FOUND');
    expect(e.message).toMatch(/none\.lua/);
  });

  it('rejects service names that are paths', () => {
    const { log } = recordingLog();
    const e = caught(() => new NetworkService({ name: '../svc', dir: writeFiles({}), log }, 0));
    expect(e.code).toBe('LAPPS_ERR_LUA_INVALID_ARGUMENT');
  });

  it('rejects unknown preload names, listing the known modules', () => {
    const dir = writeFiles({ 'svc.lua': 'return {}' });
    const { log } = recordingLog();
    const e = caught(() => new NetworkService({ name: 'svc', dir, log, preload: ['nope'] }, 0));
    expect(e.code).toBe('LAPPS_ERR_LUA_UNKNOWN_MODULE');
    expect(e.message).toMatch(/unknown module 'nope' \(known: nljson, ws\)/);
  });
});
