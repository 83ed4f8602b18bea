import { describe, expect, it } from 'vitest';
import { createSlabAllocator } from '../src/index.js';

describe('createSlabAllocator', () => {
  it('carves small buffers from one slab without overlap, 8-byte aligned', () => {
    const allocate = createSlabAllocator({ slabSize: 1024, maxSize: 256 });
    const buffers = [1, 7, 8, 100, 256, 3].map((n) => allocate(n));
    expect(buffers.map((b) => b.length)).toEqual([1, 7, 8, 100, 256, 3]);
    for (const b of buffers) expect(b.byteOffset % 8).toBe(0);
    expect(new Set(buffers.map((b) => b.buffer)).size).toBe(1);
    for (const [i, b] of buffers.entries()) b.fill(i + 1);
    for (const [i, b] of buffers.entries()) expect(b.every((x) => x === i + 1)).toBe(true);
  });

  it('starts a new slab when one is full and gives large requests their own buffer', () => {
    const allocate = createSlabAllocator({ slabSize: 1024, maxSize: 512 });
    const a = allocate(512);
    const b = allocate(512);
    const c = allocate(8);
    expect(a.buffer).toBe(b.buffer);
    expect(c.buffer).not.toBe(a.buffer);
    const big = allocate(513);
    expect(big.byteLength).toBe(513);
    expect(big.buffer).not.toBe(c.buffer);
  });
});
