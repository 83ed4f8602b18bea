import { encodeBase64, isBase64Char } from './base64.js';
import { HandshakeError } from './errors.js';

/**
 * Whether `key` is a valid `Sec-WebSocket-Key` (RFC 6455 4.1 step 7, 11.3.1): the base64 of 16
 * bytes, i.e. 22 alphabet chars then `==`.
 *
 * Like `ws`, we do not insist on the canonical form (the last char one of A, Q, g, w, so that the
 * 4 unused bits are zero): RFC 4648 3.5 lets decoders accept the others and they still decode to
 * 16 bytes; every real client sends canonical keys anyway.
 */
export function isValidKey(key: string): boolean {
  if (key.length !== 24 || key.charCodeAt(22) !== 0x3d || key.charCodeAt(23) !== 0x3d) return false;
  for (let i = 0; i < 22; i++) {
    if (!isBase64Char(key.charCodeAt(i))) return false;
  }
  return true;
}

/** A fresh `Sec-WebSocket-Key`: 16 bytes from the platform's CSPRNG, base64 (RFC 6455 4.1). */
export function generateKey(): string {
  const crypto = (
    globalThis as { crypto?: { getRandomValues?: <A extends Uint8Array>(a: A) => A } }
  ).crypto;
  if (crypto?.getRandomValues === undefined) {
    // RFC 6455 10.3 wants the nonce unpredictable: refuse rather than fall back to Math.random.
    throw new HandshakeError(
      'LAPPS_ERR_INVALID_ARGUMENT',
      'globalThis.crypto.getRandomValues is not available: pass a key',
    );
  }
  return encodeBase64(crypto.getRandomValues(new Uint8Array(16)));
}
