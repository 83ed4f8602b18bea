/**
 * Word-at-a-time access to byte buffers. Creating a `Uint32Array` view costs about as much as
 * XOR-ing a few hundred bytes, so the view over the last ArrayBuffer seen is kept: a server that
 * reads into one shared buffer, or allocates from Node's 8 KiB Buffer pool, hits it almost always.
 */
let cachedBuffer: ArrayBufferLike | null = null;
let cachedWords: Uint32Array = new Uint32Array(0);

/** A Uint32Array over the whole of `buffer` (its length rounded down to whole words). */
export function wordsOf(buffer: ArrayBufferLike): Uint32Array {
  if (buffer !== cachedBuffer) {
    cachedBuffer = buffer;
    cachedWords = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  }
  return cachedWords;
}
