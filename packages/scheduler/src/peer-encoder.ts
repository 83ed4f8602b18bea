import {
  checkMaxPayload,
  checkPeerFrame,
  DEFAULT_MAX_PEER_PAYLOAD,
  EMPTY_PAYLOAD,
  PEER_HEADER_SIZE,
  type PeerFrameType,
  writePeerHeader,
} from './peer-frame.js';

/** The part of `net.Socket` the encoder writes to (a fake in tests). */
export interface PeerWritable {
  write(chunk: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

export interface PeerEncoderOptions {
  /** Largest payload accepted by `add` (default 64 MiB); above it: `LAPPS_ERR_PEER_FRAME_TOO_BIG`. */
  maxPayload?: number;
  /** Size of the buffers small frames are packed into (default 64 KiB). */
  chunkSize?: number;
  /** Payloads of this size and above are written from the caller's buffer, not copied (16 KiB). */
  copyThreshold?: number;
}

const DEFAULT_CHUNK_SIZE = 64 * 1024;
// Below this a copy into the chunk costs less than an extra iovec and a buffer reference kept until
// the write completes; above it the copy is what costs (the same threshold as frame-codec's batch).
const DEFAULT_COPY_THRESHOLD = 16 * 1024;

/**
 * The pending output of one peer link. Every frame added during one event-loop turn leaves in ONE
 * socket write at the end of the turn (a corked writev when the batch spans buffers): a worker that
 * forwards 100 client messages in a turn makes one syscall, not 100.
 *
 * Frames with payloads under 16 KiB are copied into a 64 KiB chunk; larger payloads are written
 * from the caller's buffer, which must then not change until the link has written it (the payloads
 * the server hands over, a parsed message or a broadcast, are never modified afterwards). When the
 * socket reports after a write that everything went to the kernel (`writableLength === 0`), the
 * next frames are packed from the start of the same chunk again: request/response traffic cycles
 * through the same warm memory instead of a fresh 64 KiB every few hundred frames. When the write
 * did not complete, the written bytes stay untouched and packing continues after them.
 */
export class PeerEncoder {
  private readonly socket: PeerWritable;
  private readonly maxPayload: number;
  private readonly chunkSize: number;
  private readonly copyThreshold: number;

  // Parts ready for the next write, in order. Emptied (not replaced) by `flush`: no allocation.
  private readonly parts: Uint8Array[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  private start = 0; // first byte of the current chunk not yet moved to `parts`
  private used = 0; // first free byte of the current chunk
  private pending = 0; // bytes added and not yet handed to the socket
  private allocated = 0;
  /** In the shared dirty list, waiting for this turn's flush. */
  scheduled = false;

  constructor(socket: PeerWritable, options: PeerEncoderOptions = {}) {
    this.socket = socket;
    this.maxPayload = checkMaxPayload(options.maxPayload ?? DEFAULT_MAX_PEER_PAYLOAD);
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.copyThreshold = options.copyThreshold ?? DEFAULT_COPY_THRESHOLD;
  }

  /** Frame bytes added and not yet handed to the socket. */
  get pendingBytes(): number {
    return this.pending;
  }

  /** Chunks allocated so far (for tests and benchmarks: reuse keeps it at 1 in steady traffic). */
  get chunksAllocated(): number {
    return this.allocated;
  }

  /**
   * Queues one frame for this turn's write. Throws `LAPPS_ERR_PEER_FRAME` on a field out of range
   * and `LAPPS_ERR_PEER_FRAME_TOO_BIG` above `maxPayload`; nothing is queued then.
   */
  add(
    type: PeerFrameType,
    opcode: number,
    code: number,
    id: number,
    payload: Uint8Array = EMPTY_PAYLOAD,
  ): void {
    const length = payload.length;
    checkPeerFrame(type, opcode, code, id, length, this.maxPayload);
    if (length >= this.copyThreshold) {
      this.reserve(PEER_HEADER_SIZE);
      writePeerHeader(this.chunk, this.used, type, opcode, code, id, length);
      this.used += PEER_HEADER_SIZE;
      this.seal();
      this.parts.push(payload);
    } else {
      this.reserve(PEER_HEADER_SIZE + length);
      const at = this.used;
      writePeerHeader(this.chunk, at, type, opcode, code, id, length);
      if (length > 0) this.chunk.set(payload, at + PEER_HEADER_SIZE);
      this.used = at + PEER_HEADER_SIZE + length;
    }
    this.pending += PEER_HEADER_SIZE + length;
    if (!this.scheduled) schedule(this);
  }

  /** Hands everything queued to the socket now, in one write or one corked writev. */
  flush(): void {
    if (this.pending === 0) return;
    this.seal();
    const parts = this.parts;
    const socket = this.socket;
    this.pending = 0;
    if (socket.destroyed) {
      // Nobody will read it: drop it, and start the chunk over (no write holds it).
      parts.length = 0;
      this.start = 0;
      this.used = 0;
      return;
    }
    if (parts.length === 1) {
      socket.write(parts[0]!);
    } else {
      // Corked writes leave as one writev when uncorked.
      socket.cork();
      for (let i = 0; i < parts.length; i++) socket.write(parts[i]!);
      socket.uncork();
    }
    parts.length = 0;
    // Written through to the kernel: no pending write refers to the chunk, reuse it from its start.
    if (socket.writableLength === 0) {
      this.start = 0;
      this.used = 0;
    }
  }

  /** Drops everything queued (the link was destroyed). */
  discard(): void {
    this.parts.length = 0;
    this.pending = 0;
    this.start = 0;
    this.used = 0;
  }

  private reserve(size: number): void {
    if (this.chunk.length - this.used >= size) return;
    this.seal();
    this.chunk = Buffer.allocUnsafeSlow(Math.max(this.chunkSize, size));
    this.allocated++;
    this.start = 0;
    this.used = 0;
  }

  /** Moves the packed part of the current chunk to `parts`; the rest of the chunk stays for later. */
  private seal(): void {
    if (this.used > this.start) {
      this.parts.push(this.chunk.subarray(this.start, this.used));
      this.start = this.used;
    }
  }
}

// The encoders with frames added this turn, and one Immediate for all of them. setImmediate runs
// after every I/O callback of the turn, so frames added from several callbacks (messages from many
// clients, read in one poll phase) share one write per link; queueMicrotask would run after each
// callback and split them. Two arrays, swapped, so a turn allocates nothing.
let dirty: PeerEncoder[] = [];
let spare: PeerEncoder[] = [];

function schedule(encoder: PeerEncoder): void {
  encoder.scheduled = true;
  dirty.push(encoder);
  if (dirty.length === 1) setImmediate(flushDirty);
}

function flushDirty(): void {
  const list = dirty;
  dirty = spare;
  spare = list;
  for (let i = 0; i < list.length; i++) {
    const encoder = list[i]!;
    encoder.scheduled = false;
    encoder.flush();
  }
  list.length = 0;
}
