/**
 * RFC 9110 5.6.2: token = 1*tchar, tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
 * "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. Header names, methods, subprotocols and
 * extension names and parameters are all tokens.
 *
 * The table holds 0 for a non-tchar, 1 for a tchar and 2 for an upper-case letter, so a scan can
 * learn in the same pass whether a header name needs lower-casing.
 */
export const TCHAR = /* @__PURE__ */ buildTable();

function buildTable(): Uint8Array {
  const table = new Uint8Array(256);
  for (const c of "!#$%&'*+-.^_`|~") table[c.charCodeAt(0)] = 1;
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 2;
  return table;
}

/** Whether a char code is a tchar (safe for any code: chars above 0xFF are not). */
export function isTchar(code: number): boolean {
  return code < 256 && TCHAR[code] !== 0;
}

/** Whether `text` is a non-empty RFC 9110 token. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (!isTchar(text.charCodeAt(i))) return false;
  }
  return true;
}

/** RFC 9110 5.6.3: OWS = *( SP / HTAB ). */
export function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
