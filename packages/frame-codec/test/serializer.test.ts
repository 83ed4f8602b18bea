import { describe, expect, it } from 'vitest';
import {
  closePayload,
  FrameBatch,
  FrameError,
  FrameSerializer,
  headerLength,
  Opcode,
} from '../src/index.js';
import { concat, hex, parseAll, plain, utf8 } from './recorder.js';

describe('FrameSerializer', () => {
  it('chooses the 7-bit, 16-bit and 64-bit length forms at 125/126 and 65535/65536', () => {
    const s = new FrameSerializer({ role: 'server' });
    expect(plain(s.frame(Opcode.Binary, new Uint8Array(125)).subarray(0, 2))).toEqual(hex('82 7d'));
    expect(plain(s.frame(Opcode.Binary, new Uint8Array(126)).subarray(0, 4))).toEqual(
      hex('82 7e 00 7e'),
    );
    expect(plain(s.frame(Opcode.Binary, new Uint8Array(65535)).subarray(0, 4))).toEqual(
      hex('82 7e ff ff'),
    );
    expect(headerLength(65536, true)).toBe(14);
  });

  it('masks client frames with a fresh key each time and leaves the payload intact', () => {
    const c = new FrameSerializer({ role: 'client' });
    const payload = utf8('the same payload twice');
    const copy = payload.slice();
    const a = c.frame(Opcode.Text, payload);
    const b = c.frame(Opcode.Text, payload);
    expect(payload).toEqual(copy);
    expect(a[1]! & 0x80).toBe(0x80);
    expect(plain(a.subarray(2, 6))).not.toEqual(plain(b.subarray(2, 6)));
    for (const frame of [a, b]) {
      expect(parseAll({ role: 'server' }, frame)).toEqual([
        { kind: 'message', opcode: 1, payload },
      ]);
    }
  });

  it('builds close frames and refuses codes and reasons that may not be sent', () => {
    const s = new FrameSerializer({ role: 'server' });
    expect(plain(s.close())).toEqual(hex('88 00'));
    expect(plain(s.close(1000, 'ok'))).toEqual(hex('88 04 03 e8 6f 6b'));
    expect(parseAll({ role: 'client' }, s.close(4000, 'κόσμε'))).toEqual([
      { kind: 'close', code: 4000, reason: 'κόσμε' },
    ]);
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5]) {
      expect(() => closePayload(code)).toThrow(FrameError);
    }
    expect(() => closePayload(1000, 'x'.repeat(124))).toThrowError(
      expect.objectContaining({ code: 'LAPPS_ERR_CLOSE_REASON_TOO_LONG' }),
    );
    expect(closePayload(1000, 'é'.repeat(61)).length).toBe(124); // 122 bytes of reason fit
    expect(() => closePayload(undefined, 'reason')).toThrow(FrameError);
  });

  it('refuses oversized or fragmented control frames and unknown opcodes', () => {
    const s = new FrameSerializer({ role: 'server' });
    expect(() => s.ping(new Uint8Array(126))).toThrowError(
      expect.objectContaining({ code: 'LAPPS_ERR_INVALID_ARGUMENT' }),
    );
    expect(() => s.frame(Opcode.Ping, new Uint8Array(1), false)).toThrow(FrameError);
    expect(() => s.frame(3 as Opcode, new Uint8Array(1))).toThrow(FrameError);
  });
});

describe('FrameBatch', () => {
  it('release() reuses the buffer from its start once the last take() is written', () => {
    const batch = new FrameBatch(new FrameSerializer({ role: 'server' }));
    batch.add(Opcode.Binary, Uint8Array.of(1, 2, 3));
    const [first] = batch.take();
    batch.add(Opcode.Binary, Uint8Array.of(4, 5));
    const [second] = batch.take();
    // Without release: the next frame goes after the previous one, never over it.
    expect(second!.buffer).toBe(first!.buffer);
    expect(second!.byteOffset).toBe(first!.byteOffset + first!.length);
    expect([...first!]).toEqual([0x82, 3, 1, 2, 3]);
    batch.release();
    batch.add(Opcode.Binary, Uint8Array.of(6));
    const [third] = batch.take();
    expect(third!.buffer).toBe(first!.buffer);
    expect(third!.byteOffset).toBe(first!.byteOffset);
    expect([...third!]).toEqual([0x82, 1, 6]);
    // Once a frame is pending, release() must not rewind under it.
    batch.add(Opcode.Binary, Uint8Array.of(7));
    batch.release();
    batch.add(Opcode.Binary, Uint8Array.of(8));
    expect(batch.take().map((c) => [...c])).toEqual([[0x82, 1, 7, 0x82, 1, 8]]);
  });

  it('packs small frames into one chunk and parses back in order', () => {
    const batch = new FrameBatch(new FrameSerializer({ role: 'server' }));
    batch.add(Opcode.Text, utf8('one'));
    batch.add(Opcode.Binary, Uint8Array.of(1, 2, 3));
    batch.add(Opcode.Pong, utf8('p'));
    expect(batch.byteLength).toBe(5 + 5 + 3);
    const chunks = batch.take();
    expect(chunks).toHaveLength(1);
    expect(batch.byteLength).toBe(0);
    expect(parseAll({ role: 'client' }, chunks[0]!)).toEqual([
      { kind: 'message', opcode: 1, payload: utf8('one') },
      { kind: 'message', opcode: 2, payload: Uint8Array.of(1, 2, 3) },
      { kind: 'pong', payload: utf8('p') },
    ]);
    expect(batch.take()).toEqual([]);
  });

  it('passes large unmasked payloads through without copying', () => {
    const batch = new FrameBatch(new FrameSerializer({ role: 'server' }), { copyThreshold: 1000 });
    const big = new Uint8Array(5000).fill(5);
    batch.add(Opcode.Text, utf8('before'));
    batch.add(Opcode.Binary, big);
    batch.add(Opcode.Text, utf8('after'));
    const chunks = batch.take();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(
      parseAll({ role: 'client' }, concat(...chunks)).map(
        (e) => e.kind === 'message' && e.payload.length,
      ),
    ).toEqual([6, 5000, 5]);
  });

  it('never overwrites bytes already taken', () => {
    const batch = new FrameBatch(new FrameSerializer({ role: 'client' }), { chunkSize: 64 });
    const taken: Uint8Array[] = [];
    const copies: Uint8Array[] = [];
    for (let i = 0; i < 50; i++) {
      batch.add(Opcode.Binary, new Uint8Array(i).fill(i));
      if (i % 3 === 0) {
        for (const chunk of batch.take()) {
          taken.push(chunk);
          copies.push(chunk.slice());
        }
      }
    }
    for (const chunk of batch.take()) {
      taken.push(chunk);
      copies.push(chunk.slice());
    }
    expect(taken).toEqual(copies);
    const events = parseAll({ role: 'server' }, concat(...taken));
    expect(events.map((e) => (e.kind === 'message' ? e.payload.length : -1))).toEqual([
      ...Array(50).keys(),
    ]);
  });
});
