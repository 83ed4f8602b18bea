import net from 'node:net';

/**
 * Reading peer sockets into one shared buffer. A `net.Socket` normally allocates a fresh 64 KiB
 * buffer for every read and pushes it through a Readable stream; with the `onread` option libuv
 * reads into a buffer we own and calls us directly. A client socket takes the option in
 * `net.connect`; an accepted socket cannot, so it is accepted paused (`pauseOnConnect`) and its
 * handle moves to a new `net.Socket({ handle, onread })`, as apps/lapps-server's fast-read.ts does
 * for WebSocket clients.
 *
 * That relies on `socket._handle` and the undocumented `handle` constructor option (unchanged from
 * Node 18 to 24). Everything that touches them is in this file, behind `canReadInPlace`, with
 * `'data'` events as the fallback; test/peer-link.test.ts checks that accepted links read in place,
 * so a Node upgrade that breaks it fails loudly.
 */

interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

type WithHandle = { _handle: StreamHandle | null };

/** Bytes read; valid only during the call (the buffer is reused for the next read). */
export type ReadCallback = (bytes: Uint8Array) => void;

const READ_BUFFER_SIZE = 64 * 1024;
// One per process, for every peer link: reads are handled synchronously, and the decoder copies out
// whatever it has to keep across reads.
let sharedReadBuffer: Buffer | undefined;

/** The `onread` option that reads into the shared buffer and calls `onBytes`. */
export function sharedOnRead(onBytes: ReadCallback): net.OnReadOpts {
  sharedReadBuffer ??= Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
  return {
    buffer: sharedReadBuffer,
    callback: (nread: number, buffer: Uint8Array) => {
      onBytes(buffer.subarray(0, nread));
      return true;
    },
  };
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

/**
 * Moves the handle of the accepted `socket` to a new socket that reads into the shared buffer and
 * calls `onBytes` for every read. The old socket object must not be used afterwards.
 */
export function readInPlace(socket: net.Socket, onBytes: ReadCallback): net.Socket {
  const old = socket as unknown as WithHandle;
  const handle = old._handle;
  // The old object must no longer close or read the handle it gave away. Destroying it (handle
  // gone, so nothing is closed) takes it off the server's connection count, without which
  // `server.close()` would wait for it for ever.
  old._handle = null;
  socket.destroy();
  return new net.Socket({
    handle,
    allowHalfOpen: true,
    onread: sharedOnRead(onBytes),
  } as net.SocketConstructorOpts);
}
