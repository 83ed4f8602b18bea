import net from 'node:net';

/**
 * Reading plain-TCP sockets into one shared buffer (DESIGN section 3). A `net.Socket` normally
 * allocates a fresh 64 KiB buffer for every read and pushes it through a Readable stream; with the
 * `onread` option libuv reads into a buffer we own and calls us directly. That option only applies
 * when a socket is constructed, so the accepted socket (paused, via `pauseOnConnect`) gives up its
 * handle to a new `net.Socket({ handle, onread })`.
 *
 * This relies on `socket._handle` and the undocumented `handle` constructor option (unchanged from
 * Node 18 to 24). Everything that touches them is in this file, behind `canReadInPlace`, with the
 * `'data'` path as the fallback; test/server/fast-read.test.ts fails loudly if a Node upgrade
 * breaks it.
 */

interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

type WithHandle = { _handle: StreamHandle | null };

/** Bytes read; valid only during the call (the buffer is reused for the next read). */
export type ReadCallback = (bytes: Uint8Array) => void;

const READ_BUFFER_SIZE = 64 * 1024;
// One per process: reads are handled synchronously, and payloads are copied out of it.
let sharedReadBuffer: Buffer | undefined;

/** Whether `socket` can be re-wrapped: an accepted, paused plain-TCP socket with a stream handle. */
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

/**
 * Moves the handle of `socket` to a new socket that reads into the shared buffer and calls
 * `onBytes` for every read. The old socket object must not be used afterwards.
 */
export function readInPlace(socket: net.Socket, onBytes: ReadCallback): net.Socket {
  const old = socket as unknown as WithHandle;
  const handle = old._handle;
  // The old object must no longer close or read the handle it gave away.
  old._handle = null;
  sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_SIZE);
  const wrapped = new net.Socket({
    handle,
    onread: {
      buffer: sharedReadBuffer,
      callback: (nread: number, buffer: Uint8Array) => {
        onBytes(buffer.subarray(0, nread));
        return true;
      },
    },
  } as net.SocketConstructorOpts);
  wrapped.setNoDelay(true);
  return wrapped;
}
