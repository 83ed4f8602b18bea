import { CwsError } from './errors.js';

/** What `send()` takes: text, or bytes in any typed form (a Buffer is a Uint8Array). */
export type SendData = string | ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

/**
 * The bytes of a binary message, without copying: the frame serializer copies while masking, so a
 * view is all it needs. Throws LAPPS_ERR_CWS_DATA for anything else (a Blob, a number, ...).
 */
export function binaryPayload(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) return new Uint8Array(data);
  const kind =
    data === null ? 'null' : typeof data === 'object' ? data.constructor?.name : typeof data;
  throw new CwsError(
    'LAPPS_ERR_CWS_DATA',
    `send: expected a string, ArrayBuffer or ArrayBufferView, got ${kind ?? 'an object'}`,
  );
}
