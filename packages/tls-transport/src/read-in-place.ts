import net from 'node:net';

/**
 * Reading sockets into one shared buffer (DESIGN section 3). A `net.Socket` normally allocates a
 * fresh 64 KiB buffer for every read and pushes it through a Readable stream; with the `onread`
 * option libuv reads into a buffer we own and calls us directly. A client socket takes the option
 * in `net.connect` (`sharedOnRead`); an accepted socket cannot, so it is accepted paused
 * (`pauseOnConnect`) and its handle moves to a new `net.Socket({ handle, onread })`.
 *
 * The re-wrap relies on `socket._handle` and the undocumented `handle` constructor option
 * (unchanged from Node 18 to 24). Everything that touches them is in this file, behind
 * `canReadInPlace`, so callers keep `'data'` events as the fallback; test/read-in-place.test.ts
 * fails loudly if a Node upgrade breaks it. The server's WebSocket connections, the scheduler's
 * peer links and cws clients all read through here, into the same buffer.
 */

interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

type WithHandle = { _handle: StreamHandle | null };

/**
 * Bytes read; valid only during the call (the buffer is reused for the next read). `socket` is the
 * socket that read them, so one function can serve every connection: pass the same function for
 * all of them and no closure is kept per connection (it matters with many idle connections).
 */
export type ReadCallback = (bytes: Uint8Array, socket: net.Socket) => void;

type OnReadCallback = (this: net.Socket, bytesRead: number, buffer: Uint8Array) => boolean;

const READ_BUFFER_SIZE = 64 * 1024;
// One per process: reads are handled synchronously, one at a time, and every consumer copies
// out what it keeps across reads.
let sharedReadBuffer: Buffer | undefined;
// One `onread` callback per distinct ReadCallback.
const callbacks = new WeakMap<ReadCallback, OnReadCallback>();

/** The `onread` option (for `net.connect` or `connect()`) reading into the shared buffer. */
export function sharedOnRead(onBytes: ReadCallback): {
  buffer: Uint8Array;
  callback: (bytesRead: number, buffer: Uint8Array) => boolean;
} {
  sharedReadBuffer ??= Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
  let callback = callbacks.get(onBytes);
  if (callback === undefined) {
    // Node calls `onread.callback` as a method of the socket that read (`this`): undocumented,
    // unchanged from Node 18 to 24, and checked by test/read-in-place.test.ts.
    callback = function (this: net.Socket, nread: number, buffer: Uint8Array): boolean {
      onBytes(buffer.subarray(0, nread), this);
      return true;
    };
    callbacks.set(onBytes, callback);
  }
  return { buffer: sharedReadBuffer, callback };
}

/** Whether `socket` can be re-wrapped: an accepted, paused socket with a stream handle. */
export function canReadInPlace(socket: net.Socket): boolean {
  const handle = (socket as unknown as WithHandle)._handle;
  return (
    handle !== null &&
    handle !== undefined &&
    typeof handle.readStart === 'function' &&
    !socket.destroyed &&
    socket.isPaused() &&
    socket.readableLength === 0
  );
}

export interface ReadInPlaceOptions {
  /** As `net.Socket`'s option (default false). */
  allowHalfOpen?: boolean;
  /** Disable Nagle's algorithm on the new socket (TCP; default false). */
  noDelay?: boolean;
}

/**
 * Moves the handle of the accepted, paused `socket` to a new socket that reads into the shared
 * buffer and calls `onBytes` for every read. The old socket object must not be used afterwards.
 */
export function readInPlace(
  socket: net.Socket,
  onBytes: ReadCallback,
  options: ReadInPlaceOptions = {},
): net.Socket {
  const old = socket as unknown as WithHandle;
  const handle = old._handle;
  // The old object must no longer close or read the handle it gave away. Destroying it (handle
  // gone, so nothing is closed) takes it off the server's connection count, without which
  // `server.close()` would wait for it for ever.
  old._handle = null;
  socket.destroy();
  const wrapped = new net.Socket({
    handle,
    allowHalfOpen: options.allowHalfOpen ?? false,
    onread: sharedOnRead(onBytes),
  } as net.SocketConstructorOpts);
  if (options.noDelay) wrapped.setNoDelay(true);
  return wrapped;
}
