import { closePayload } from '@lapps/frame-codec';
import { CwsError } from './errors.js';

// A close frame's payload is at most 125 bytes (RFC 6455 5.5), 2 of them the code.
const MAX_REASON_BYTES = 123;
const encoder = new TextEncoder();

/**
 * The payload of the close frame `close(code, reason)` sends, checked as the browser checks it
 * (WHATWG WebSockets, close() steps 1-2): the code must be 1000 or 3000-4999 (1001-2999 are for the
 * protocol and the implementation, not the application): LAPPS_ERR_CWS_CLOSE_CODE; the reason at
 * most 123 UTF-8 bytes: LAPPS_ERR_CWS_CLOSE_REASON. A reason without a code is sent with 1000.
 */
export function closeFramePayload(
  code: number | undefined,
  reason: string | undefined,
): Uint8Array {
  if (code !== undefined) {
    if (
      typeof code !== 'number' ||
      !Number.isInteger(code) ||
      (code !== 1000 && (code < 3000 || code > 4999))
    ) {
      throw new CwsError(
        'LAPPS_ERR_CWS_CLOSE_CODE',
        `close: code must be 1000 or an integer from 3000 to 4999, got ${String(code)}`,
      );
    }
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string') {
      throw new CwsError('LAPPS_ERR_CWS_CLOSE_REASON', 'close: reason must be a string');
    }
    const bytes = encoder.encode(reason).length;
    if (bytes > MAX_REASON_BYTES) {
      throw new CwsError(
        'LAPPS_ERR_CWS_CLOSE_REASON',
        `close: reason is ${bytes} bytes of UTF-8; at most ${MAX_REASON_BYTES} fit in a close frame`,
      );
    }
  }
  if (code === undefined && (reason === undefined || reason === '')) return closePayload();
  return closePayload(code ?? 1000, reason ?? '');
}
