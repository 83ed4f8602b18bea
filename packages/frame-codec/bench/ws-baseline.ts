import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The baseline: ws 8's own Receiver, Sender.frame and isValidUTF8, typed here because @types/ws
 * declares none of them (`import { Receiver, Sender } from 'ws'` runs, but does not typecheck).
 * They are loaded with `require`, which shares the module cache with ws's ESM wrapper, so this is
 * the same code a `ws` server runs.
 */

export interface WsReceiverOptions {
  isServer: boolean;
  /** 0: no limit. */
  maxPayload: number;
  binaryType: 'nodebuffer';
  /** ws 8.17+ defaults to true; false defers each message to setImmediate. */
  allowSynchronousEvents: boolean;
}

export interface WsReceiver {
  write(chunk: Uint8Array): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

/** The options of `Sender.frame` (node_modules/ws/lib/sender.js). */
export interface WsFrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  /**
   * With `mask`: true copies the payload into the header's buffer while masking (one buffer out,
   * payload intact), false masks the caller's payload in place (two buffers out). `ws.send()`
   * passes true for a Buffer the application gave it.
   */
  readOnly: boolean;
}

interface WsModule {
  Receiver: new (options: WsReceiverOptions) => WsReceiver;
  Sender: { frame(data: Buffer, options: WsFrameOptions): Buffer[] };
}

const require = createRequire(import.meta.url);
const wsEntry = require.resolve('ws');
const ws = require('ws') as WsModule;
// Looked up right after ws loaded (lib/buffer-util.js requires the addon then) and before this file
// requires it: a .node file in the cache now is the proof that ws itself took the addon.
const addonLoadedByWs = Object.keys(require.cache).some((id) => /bufferutil.*\.node$/.test(id));
// Not in ws's "exports" map, so it is required by path.
const validation = require(join(dirname(wsEntry), 'lib', 'validation.js')) as {
  isValidUTF8(buffer: Uint8Array): boolean;
};

export const WsReceiver = ws.Receiver;
export const WsSender = ws.Sender;
export const wsIsValidUtf8 = validation.isValidUTF8;
export const wsVersion = (require('ws/package.json') as { version: string }).version;

/**
 * Which masking code ws runs: lib/buffer-util.js prefers `http.websocketMask` (not in Node 20),
 * then the `bufferutil` addon unless WS_NO_BUFFER_UTIL is set, else a JS loop.
 */
export function wsMaskingBackend(): string {
  if (typeof (require('node:http') as { websocketMask?: unknown }).websocketMask === 'function') {
    return 'http.websocketMask';
  }
  let addon: string;
  try {
    const bufferutil = createRequire(wsEntry)('bufferutil') as { mask: () => void };
    addon = Function.prototype.toString.call(bufferutil.mask).includes('[native code]')
      ? 'native'
      : 'JS fallback';
  } catch {
    return 'JS loop (bufferutil not installed)';
  }
  return `bufferutil (${addon}, ${addonLoadedByWs ? 'loaded by ws' : 'NOT loaded by ws'})`;
}

/** ws's UTF-8 check: node's buffer.isUtf8 (simdutf) from 24 bytes up, else utf-8-validate. */
export function wsUtf8Backend(): string {
  return typeof (require('node:buffer') as { isUtf8?: unknown }).isUtf8 === 'function'
    ? 'buffer.isUtf8 (>= 24 B), JS below'
    : 'utf-8-validate or JS';
}
