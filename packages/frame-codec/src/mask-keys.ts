/**
 * Masking keys for client frames (RFC 6455 section 5.3: "freshly and randomly generated" for every
 * frame, unpredictable to the application). Asking the CSPRNG for 4 bytes per frame costs far more
 * than asking for 8 KiB once, so keys are dealt from a pool refilled by `crypto.getRandomValues`.
 */
const POOL_SIZE = 8192;
const pool = new Uint8Array(POOL_SIZE);
let next = POOL_SIZE;

/** Writes a fresh 4-byte masking key into `target` at `offset`. */
export function writeMaskKey(target: Uint8Array, offset: number): void {
  if (next === POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  target[offset] = pool[next]!;
  target[offset + 1] = pool[next + 1]!;
  target[offset + 2] = pool[next + 2]!;
  target[offset + 3] = pool[next + 3]!;
  next += 4;
}
