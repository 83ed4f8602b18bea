import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerEncoder, type PeerWritable } from '../src/peer-encoder.js';
import { PeerFrameType } from '../src/peer-frame.js';
import {
  expectSameFrames,
  type Frame,
  patterned,
  recordingDecoder,
} from './fixtures/peer-frames.js';

/** The next check phase, after the encoders' shared Immediate has run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A socket that records each write: a list of the parts handed over between cork and uncork (or
 * the single part of an uncorked write). A write goes "to the kernel" (copied at once) unless
 * `async` is set or earlier writes are still held; a held write keeps references to the parts, as
 * libuv does until the kernel takes them, and counts in `writableLength` until `drain()`.
 */
class FakeSocket implements PeerWritable {
  readonly writes: Uint8Array[][] = [];
  destroyed = false;
  async = false;
  private corked = 0;
  private held: Uint8Array[][] = [];
  private heldBytes = 0;
  private current: Uint8Array[] = [];

  get writableLength(): number {
    return this.heldBytes;
  }
  write(chunk: Uint8Array): boolean {
    this.current.push(chunk);
    if (this.corked === 0) this.commit();
    return true;
  }
  cork(): void {
    this.corked++;
  }
  uncork(): void {
    if (--this.corked === 0) this.commit();
  }
  /** The kernel takes everything held: copy it as it is now. */
  drain(): void {
    for (const parts of this.held) {
      for (let i = 0; i < parts.length; i++) parts[i] = new Uint8Array(parts[i]!);
    }
    this.held = [];
    this.heldBytes = 0;
  }
  /** Every byte written so far. */
  bytes(): Buffer {
    return Buffer.concat(this.writes.flat());
  }
  private commit(): void {
    const parts = this.current;
    this.current = [];
    if (this.async || this.heldBytes > 0) {
      this.held.push(parts);
      for (const p of parts) this.heldBytes += p.length;
    } else {
      for (let i = 0; i < parts.length; i++) parts[i] = new Uint8Array(parts[i]!);
    }
    this.writes.push(parts);
  }
}

function decodeAll(bytes: Uint8Array): Frame[] {
  const { decoder, frames } = recordingDecoder();
  decoder.push(bytes);
  return frames;
}

function message(id: number, size: number): Frame {
  return { type: PeerFrameType.Message, opcode: 2, code: 0, id, payload: patterned(size, id) };
}

function addAll(encoder: PeerEncoder, frames: readonly Frame[]): void {
  for (const f of frames) encoder.add(f.type, f.opcode, f.code, f.id, f.payload);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PeerEncoder batching', () => {
  it('sends every frame of a turn in one write, at the end of the turn, in order', async () => {
    const socket = new FakeSocket();
    const encoder = new PeerEncoder(socket);
    const frames = Array.from({ length: 1000 }, (_, i) => message(i, i % 40));
    addAll(encoder, frames);
    expect(socket.writes).toHaveLength(0);
    expect(encoder.pendingBytes).toBe(frames.reduce((n, f) => n + 12 + f.payload.length, 0));
    await nextTurn();
    expect(socket.writes).toHaveLength(1);
    expect(socket.writes[0]).toHaveLength(1);
    expect(encoder.pendingBytes).toBe(0);
    expectSameFrames(decodeAll(socket.bytes()), frames);
  });

  it('writes a payload of 16 KiB or more from the caller buffer, in the same corked write', async () => {
    const socket = new FakeSocket();
    socket.async = true; // keep references, to see which parts are the caller's
    const encoder = new PeerEncoder(socket);
    const big = message(2, 16384);
    const frames = [message(1, 100), big, message(3, 16383), message(4, 0)];
    addAll(encoder, frames);
    await nextTurn();
    expect(socket.writes).toHaveLength(1);
    const parts = socket.writes[0]!;
    expect(parts).toHaveLength(3); // header+small+header | big payload | 16383 copied + last
    expect(parts[1]).toBe(big.payload);
    expectSameFrames(decodeAll(socket.bytes()), frames);
  });

  it('schedules one Immediate per turn for all encoders', async () => {
    const spy = vi.spyOn(globalThis, 'setImmediate');
    const sockets = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    const encoders = sockets.map((s) => new PeerEncoder(s));
    for (let i = 0; i < 100; i++) {
      for (const e of encoders) e.add(PeerFrameType.Disconnect, 0, 0, i);
    }
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    await nextTurn();
    for (const s of sockets) expect(s.writes).toHaveLength(1);
  });

  it('starts a new chunk when a frame does not fit, and keeps the order', async () => {
    const socket = new FakeSocket();
    const encoder = new PeerEncoder(socket, { chunkSize: 1024 });
    const frames = Array.from({ length: 50 }, (_, i) => message(i, 300));
    addAll(encoder, frames);
    await nextTurn();
    expect(encoder.chunksAllocated).toBeGreaterThan(10);
    expect(socket.writes).toHaveLength(1);
    expectSameFrames(decodeAll(socket.bytes()), frames);
  });

  it('queues nothing when a frame is refused', async () => {
    const socket = new FakeSocket();
    const encoder = new PeerEncoder(socket, { maxPayload: 10 });
    expect(() => encoder.add(PeerFrameType.Send, 1, 0, 1, new Uint8Array(11))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME_TOO_BIG' }),
    );
    expect(() => encoder.add(0 as PeerFrameType, 1, 0, 1)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME' }),
    );
    expect(encoder.pendingBytes).toBe(0);
    await nextTurn();
    expect(socket.writes).toHaveLength(0);
  });

  it('drops what is queued when the socket is destroyed', async () => {
    const socket = new FakeSocket();
    const encoder = new PeerEncoder(socket);
    encoder.add(PeerFrameType.Disconnect, 0, 0, 1);
    socket.destroyed = true;
    await nextTurn();
    expect(socket.writes).toHaveLength(0);
    expect(encoder.pendingBytes).toBe(0);
  });
});

describe('PeerEncoder chunk reuse', () => {
  it('reuses the chunk from its start when the write went through', async () => {
    const socket = new FakeSocket();
    const encoder = new PeerEncoder(socket);
    const sent: Frame[] = [];
    for (let turn = 0; turn < 200; turn++) {
      const frames = Array.from({ length: 20 }, (_, i) => message(turn * 20 + i, 200));
      addAll(encoder, frames);
      sent.push(...frames);
      await nextTurn();
    }
    // 200 turns of 4 KiB: 62 chunks without reuse.
    expect(encoder.chunksAllocated).toBe(1);
    expectSameFrames(decodeAll(socket.bytes()), sent);
  });

  it('never overwrites bytes of a write still in progress', async () => {
    const socket = new FakeSocket();
    const encoder = new PeerEncoder(socket);
    const sent: Frame[] = [];
    for (let turn = 0; turn < 300; turn++) {
      // Writes are held for a few turns, then the kernel catches up and one goes through at once.
      socket.async = turn % 20 !== 0;
      if (turn % 20 === 0) socket.drain();
      const frames = Array.from({ length: 10 }, (_, i) =>
        message(turn * 10 + i, (turn * 37) % 900),
      );
      addAll(encoder, frames);
      sent.push(...frames);
      await nextTurn();
    }
    socket.drain();
    expectSameFrames(decodeAll(socket.bytes()), sent);
    // Held writes made it take new chunks, and reuse made it take fewer than all bytes need.
    const total = sent.reduce((n, f) => n + 12 + f.payload.length, 0);
    expect(encoder.chunksAllocated).toBeGreaterThan(1);
    expect(encoder.chunksAllocated).toBeLessThan(total / (64 * 1024));
  });
});
