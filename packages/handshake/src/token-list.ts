import { isOws } from './token.js';

/**
 * Whether a comma-separated header (RFC 9110 5.6.1 `#element`, possibly split over several
 * lines) has an element equal to `token`, ASCII case-insensitively. `token` must be lower-case.
 *
 * One linear pass without allocating: `Connection: keep-alive, Upgrade` and `Upgrade: h2c,
 * websocket` are both found, and a hostile 8 KiB value costs 8 K char reads at worst.
 */
export function containsToken(values: readonly string[] | undefined, token: string): boolean {
  if (values === undefined) return false;
  for (const value of values) {
    let i = 0;
    const n = value.length;
    while (i < n) {
      while (i < n && (isOws(value.charCodeAt(i)) || value.charCodeAt(i) === 0x2c)) i++;
      const start = i;
      while (i < n && value.charCodeAt(i) !== 0x2c) i++;
      let end = i;
      while (end > start && isOws(value.charCodeAt(end - 1))) end--;
      if (end - start === token.length && equalsLowerCase(value, start, token)) return true;
    }
  }
  return false;
}

/** Compares `value[start, start + lower.length)` to `lower`, folding only ASCII A-Z. */
function equalsLowerCase(value: string, start: number, lower: string): boolean {
  for (let j = 0; j < lower.length; j++) {
    let c = value.charCodeAt(start + j);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(j)) return false;
  }
  return true;
}

/** Whether one header value (already OWS-trimmed by the parser) equals `lower` ASCII case-insensitively. */
export function equalsIgnoringCase(value: string, lower: string): boolean {
  return value.length === lower.length && equalsLowerCase(value, 0, lower);
}
