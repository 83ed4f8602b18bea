/** An HTTP version from a start line: `HTTP/1.1` is `{ major: 1, minor: 1 }`. */
export interface HttpVersion {
  readonly major: number;
  readonly minor: number;
}

// Nearly every head says HTTP/1.1: share one frozen object rather than allocate per request.
const HTTP_1_1: HttpVersion = Object.freeze({ major: 1, minor: 1 });

/**
 * Reads RFC 9112 2.3 `HTTP-version = "HTTP" "/" DIGIT "." DIGIT` (case-sensitive, exactly 8 bytes)
 * at `bytes[start, start + 8)`. Returns undefined when the bytes do not have that shape.
 */
export function readHttpVersion(bytes: Uint8Array, start: number): HttpVersion | undefined {
  if (
    bytes[start] !== 0x48 || // H
    bytes[start + 1] !== 0x54 || // T
    bytes[start + 2] !== 0x54 || // T
    bytes[start + 3] !== 0x50 || // P
    bytes[start + 4] !== 0x2f || // /
    bytes[start + 6] !== 0x2e // .
  ) {
    return undefined;
  }
  const major = (bytes[start + 5] ?? 0) - 0x30;
  const minor = (bytes[start + 7] ?? 0) - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) return undefined;
  if (major === 1 && minor === 1) return HTTP_1_1;
  return { major, minor };
}
