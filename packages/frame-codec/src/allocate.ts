/** Allocates the buffer a payload is delivered in. Its contents need not be zeroed. */
export type Allocate = (size: number) => Uint8Array;

type BufferLike = { allocUnsafe(size: number): Uint8Array };

// Node's and Bun's Buffer.allocUnsafe hands out slices of a shared 8 KiB pool for small sizes and
// skips zero-filling: several times cheaper than `new Uint8Array` for small payloads. Browsers and
// Deno without the Buffer global get plain zeroed arrays.
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

export const defaultAllocate: Allocate =
  NodeBuffer !== undefined
    ? (size) => NodeBuffer.allocUnsafe(size)
    : (size) => new Uint8Array(size);
