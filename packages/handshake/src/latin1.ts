/**
 * HTTP heads are bytes; their text is ISO-8859-1 (RFC 9110 5.5: obs-text is opaque octets), one
 * char per byte. `TextDecoder('latin1')` would not do: the WHATWG label maps to windows-1252, which
 * changes 0x80-0x9F.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

// Node and Bun's Buffer has a native latin1 slice that takes any Uint8Array as `this`; it is 2-5x
// faster than String.fromCharCode for header-sized strings. Browsers and Deno use the fallback.
const nativeSlice: Latin1Slice | undefined = (
  globalThis as { Buffer?: { prototype: { latin1Slice?: Latin1Slice } } }
).Buffer?.prototype.latin1Slice;

const CHUNK = 4096;

/** The fallback for runtimes without Buffer (exported for its test). */
export function portableSlice(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= CHUNK) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  // apply() passes every byte as an argument: chunk it to stay far below engines' argument limits.
  let out = '';
  for (let i = start; i < end; i += CHUNK) {
    const stop = Math.min(end, i + CHUNK);
    out += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return out;
}

/** The bytes `[start, end)` as a string of one char per byte. */
export function latin1String(bytes: Uint8Array, start: number, end: number): string {
  if (start === end) return '';
  return nativeSlice === undefined
    ? portableSlice(bytes, start, end)
    : nativeSlice.call(bytes, start, end);
}

/**
 * A string of chars <= 0xFF as bytes, one per char. Callers validate the chars first (a char above
 * 0xFF would be truncated, which is why every outgoing header goes through outgoing-headers.ts).
 */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
