import type net from 'node:net';
import { sharedOnRead } from '@lapps/tls-transport';

/** Where the bytes and the end of a socket go. */
export interface SocketSink {
  /** Bytes read from the socket, valid only during the call when `reusesBuffer` is true. */
  onData(chunk: Uint8Array): void;
  onError(error: Error): void;
  /** The socket is gone: the last call. */
  onClose(): void;
}

/** What `connect()` of @lapps/tls-transport takes to read into our buffer (plain TCP only). */
export interface OnRead {
  buffer: Uint8Array;
  callback: (bytesRead: number, buffer: Uint8Array) => boolean;
}

/**
 * Everything that reads the socket, in one place. Plain TCP reads through `onread`: libuv reads
 * into one shared buffer and calls us directly, with no Buffer and no stream machinery per read
 * (the read path the server uses, DESIGN section 3); the frame parser then copies each payload
 * out (no `inPlace`). TLS sockets decrypt into fresh buffers and emit `'data'`: there the parser
 * delivers messages as views of the chunk (`inPlace`).
 */
export class SocketReader {
  /** True for the shared-buffer path: the sink must copy what it keeps. */
  readonly reusesBuffer: boolean;
  /** For `connect()`, or undefined for TLS. */
  readonly onread: OnRead | undefined;
  private sink: SocketSink | undefined;

  constructor(secure: boolean) {
    this.reusesBuffer = !secure;
    if (secure) {
      this.onread = undefined;
      return;
    }
    // Before attach() nothing is expected: the server speaks after our request.
    this.onread = sharedOnRead((bytes) => this.sink?.onData(bytes));
  }

  /** Starts delivering the socket's bytes and end to `sink`. */
  attach(socket: net.Socket, sink: SocketSink): void {
    this.sink = sink;
    if (this.onread === undefined) socket.on('data', (chunk: Buffer) => sink.onData(chunk));
    socket.on('error', (error: Error) => sink.onError(error));
    socket.once('close', () => sink.onClose());
  }
}
