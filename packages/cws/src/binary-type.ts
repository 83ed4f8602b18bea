import { CwsError } from './errors.js';

/**
 * What binary messages are delivered as. The browser's default, `'blob'`, is not supported (a
 * Blob's bytes can only be read asynchronously, which no Node caller wants for every message).
 * - `'nodebuffer'` (default): a Buffer; no copy.
 * - `'uint8array'`: a plain Uint8Array over the same memory; no copy.
 * - `'arraybuffer'`: an ArrayBuffer of exactly the message; a copy unless the payload fills its
 *   buffer (payloads are views of the socket's read chunk or of a shared slab).
 */
export type BinaryType = 'nodebuffer' | 'arraybuffer' | 'uint8array';

export const DEFAULT_BINARY_TYPE: BinaryType = 'nodebuffer';

/** Throws LAPPS_ERR_CWS_OPTION unless `value` is a supported binary type. */
export function checkBinaryType(value: unknown, where: string): BinaryType {
  if (value === 'nodebuffer' || value === 'arraybuffer' || value === 'uint8array') return value;
  const hint = value === 'blob' ? ' ("blob" is the browser default; it is not supported here)' : '';
  throw new CwsError(
    'LAPPS_ERR_CWS_OPTION',
    `${where}: expected "nodebuffer", "arraybuffer" or "uint8array", got ${JSON.stringify(value)}${hint}`,
  );
}
