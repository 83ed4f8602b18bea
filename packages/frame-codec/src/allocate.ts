/** Allocates the buffer a payload is delivered in. Its contents need not be zeroed. */
export type Allocate = (size: number) => Uint8Array;

export interface SlabOptions {
  /** Bytes per slab (default 64 KiB). */
  slabSize?: number;
  /** Larger requests get a buffer of their own (default 4 KiB). */
  maxSize?: number;
}

type NodeBufferStatic = {
  allocUnsafe(size: number): Uint8Array;
  allocUnsafeSlow(size: number): Uint8Array;
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array;
};

const NodeBuffer = (globalThis as { Buffer?: NodeBufferStatic }).Buffer;

/**
 * An allocator that carves small buffers out of shared slabs. Each new ArrayBuffer has a fixed cost
 * (measured here: a few microseconds, mostly external-memory bookkeeping and the GC work it
 * triggers), so Node's own 8 KiB Buffer pool spends ~300 ns of every 1 KiB allocation refilling; a
 * 64 KiB slab brings that to ~80 ns and doubled the parser's 1 KiB throughput.
 *
 * The price is retention: a payload kept alive keeps its whole slab alive. Code that stores many
 * small payloads for a long time should `slice()` them, or pass its own `allocate`.
 */
export function createSlabAllocator(options: SlabOptions = {}): Allocate {
  const slabSize = options.slabSize ?? 64 * 1024;
  const maxSize = Math.min(options.maxSize ?? 4096, slabSize);
  let slab: ArrayBufferLike = new ArrayBuffer(0);
  let offset = 0;
  if (NodeBuffer !== undefined) {
    const B = NodeBuffer;
    return (size) => {
      if (size > maxSize) return B.allocUnsafe(size);
      if (offset + size > slab.byteLength) {
        slab = B.allocUnsafeSlow(slabSize).buffer;
        offset = 0;
      }
      const out = B.from(slab, offset, size);
      // Keep every buffer 8-byte aligned so masking and UTF-8 checks can go a word at a time.
      offset = (offset + size + 7) & ~7;
      return out;
    };
  }
  return (size) => {
    if (size > maxSize) return new Uint8Array(size);
    if (offset + size > slab.byteLength) {
      slab = new ArrayBuffer(slabSize);
      offset = 0;
    }
    const out = new Uint8Array(slab, offset, size);
    offset = (offset + size + 7) & ~7;
    return out;
  };
}

/** The default allocator of parsers and serializers: 64 KiB slabs for buffers up to 4 KiB. */
export const defaultAllocate: Allocate = createSlabAllocator();
