import type net from 'node:net';
import { InputBatch, type InputSink, sharedOnRead } from '@lapps/tls-transport';
import { flushOutboxes } from './outbox.js';

/** Where the bytes and the end of a socket go. */
export interface SocketSink {
  /** Bytes read from the socket, in a buffer the sink may keep (nothing else writes to it). */
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
 * The reads of every client in this process, handed over at the end of the event-loop turn
 * (`InputBatch` of @lapps/tls-transport): all the syscalls of a turn apart from all its message
 * handling. Then the replies the handlers sent are written (`flushOutboxes`), after every read of
 * the turn.
 */
const batch = new InputBatch<SocketReader>(flushOutboxes);

/**
 * Everything that reads the socket, in one place. Plain TCP reads through `onread`: libuv reads
 * into one shared buffer and calls us directly, with no Buffer and no stream machinery per read
 * (the read path the server uses, DESIGN section 3), and each read is copied out into the batch.
 * TLS sockets decrypt into fresh buffers and emit `'data'`, which are queued as they are. Either
 * way the sink gets chunks it may keep: the parser delivers messages as views of them (`inPlace`).
 */
export class SocketReader implements InputSink {
  /** For `connect()`, or undefined for TLS. */
  readonly onread: OnRead | undefined;
  private sink: SocketSink | undefined;

  constructor(secure: boolean) {
    if (secure) {
      this.onread = undefined;
      return;
    }
    // Before attach() nothing is expected: the server speaks after our request.
    this.onread = sharedOnRead((bytes) => {
      if (this.sink !== undefined) batch.add(this, bytes);
    });
  }

  /** Starts delivering the socket's bytes and end to `sink`. */
  attach(socket: net.Socket, sink: SocketSink): void {
    this.sink = sink;
    if (this.onread === undefined)
      socket.on('data', (chunk: Buffer) => batch.addOwned(this, chunk));
    socket.on('error', (error: Error) => sink.onError(error));
    socket.once('close', () => {
      batch.takeFor(this); // what arrived before the close first
      sink.onClose();
    });
  }

  /** From the batch: one read, a buffer the sink may keep. */
  onBytes(bytes: Uint8Array): void {
    this.sink?.onData(bytes);
  }
}
