import type net from 'node:net';
import { FrameBatch, type FrameSerializer, type Opcode } from '@lapps/frame-codec';

/**
 * A connection's pending frames. Every frame added during one event-loop turn goes out in one
 * socket write (a writev when the batch spans buffers) at the end of the turn: a client that sends
 * 100 messages in a loop makes one syscall, not 100.
 *
 * All clients share one setImmediate per turn, as the server's connections do: setImmediate runs
 * after every I/O callback of the turn, so sends from several 'data' callbacks (replies to several
 * messages) are batched too, which queueMicrotask (run after each callback) would split; and one
 * Immediate serves every dirty connection. The price is that a send waits for the check phase
 * of the turn, not for the end of the current callback. Measured with bench/ (loopback echo, 2 vCPU)
 * the two were within the run-to-run noise (about 30%) for 1 and 100 messages a turn.
 */
export class Outbox {
  private readonly batch: FrameBatch;
  private readonly socket: net.Socket;
  private scheduled = false;
  /** Inside the handling of bytes read: sends wait for its end (see `endRead`). */
  private reading = false;

  /**
   * `completesLater`: TLS, whose writes complete asynchronously (the cleartext is encrypted and
   * handed on later). A callback, made once here, then lets the batch reuse its warm chunk once
   * everything is written; plain sockets need none (their writes complete at once, checked below).
   */
  constructor(socket: net.Socket, serializer: FrameSerializer, completesLater = false) {
    this.socket = socket;
    this.batch = new FrameBatch(serializer);
    this.whenWritten = completesLater
      ? () => {
          if (socket.writableLength === 0) this.batch.release();
        }
      : undefined;
  }

  private readonly whenWritten: (() => void) | undefined;

  /** Frame bytes added and not yet handed to the socket. */
  get pendingBytes(): number {
    return this.batch.byteLength;
  }

  /** Queues one frame (masked: the payload is copied, so the caller may reuse it at once). */
  add(opcode: Opcode, payload: Uint8Array): void {
    this.batch.add(opcode, payload);
    if (!this.reading) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    dirty.push(this);
    if (dirty.length === 1) setImmediate(flushDirty);
  }

  /**
   * Sends made while a read is handled (replies from message handlers) wait for its end, and then
   * for the end of the turn like every other send, as the server's do: the replies to all the
   * reads of one turn leave back to back, so a peer process waiting for several of them is woken
   * once, not once per reply (a wake-up is the dearest part of a loopback write).
   */
  beginRead(): void {
    this.reading = true;
  }

  endRead(): void {
    this.reading = false;
    if (this.batch.byteLength > 0) this.schedule();
  }

  /** Hands everything pending to the socket now (before ending it, say). */
  flush(): void {
    this.scheduled = false;
    if (this.batch.byteLength === 0) return;
    const chunks = this.batch.take();
    const socket = this.socket;
    if (socket.destroyed) return;
    if (chunks.length === 1) {
      socket.write(chunks[0]!, this.whenWritten);
    } else {
      // Corked writes leave as one writev.
      socket.cork();
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) socket.write(chunks[i]!);
      socket.write(chunks[last]!, this.whenWritten);
      socket.uncork();
    }
    // Written through to the kernel: the batch may reuse that memory for the next frames.
    if (socket.writableLength === 0) this.batch.release();
  }
}

// The outboxes with frames added this turn. Two arrays, swapped, so a turn allocates nothing.
let dirty: Outbox[] = [];
let spare: Outbox[] = [];

/**
 * Writes what every client queued this turn, now: the socket reader calls it right after handing
 * over the turn's reads, so replies leave without waiting for another loop iteration.
 */
export function flushOutboxes(): void {
  if (dirty.length > 0) flushDirty();
}

function flushDirty(): void {
  const list = dirty;
  dirty = spare;
  spare = list;
  for (let i = 0; i < list.length; i++) list[i]!.flush();
  list.length = 0;
}
