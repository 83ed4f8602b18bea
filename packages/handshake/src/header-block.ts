import { HandshakeError } from './errors.js';
import { TCHAR } from './token.js';

/**
 * The header section of a head: lower-cased field names to their values in arrival order. A name
 * sent twice keeps both values (`Sec-WebSocket-Protocol` may be split over lines), and the
 * validators decide what repetition means per field.
 */
export type HeaderMap = Map<string, string[]>;

const COLON = 0x3a;

function isWhite(code: number | undefined): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Parses one field line `bytes[start, end)` (without its CRLF) into `headers`. The bytes are
 * validated; the strings are cut from `text`, the latin1 decoding of `bytes` from index `base`.
 * `lineNumber` counts header lines from 1 and only appears in messages; `status` is passed to
 * HandshakeError (undefined: the code's server status; the client side passes 0).
 *
 * RFC 9112 5: field-line = field-name ":" OWS field-value OWS.
 */
export function parseHeaderLine(
  bytes: Uint8Array,
  text: string,
  base: number,
  start: number,
  end: number,
  headers: HeaderMap,
  lineNumber: number,
  status: number | undefined,
): void {
  const first = bytes[start];
  if (isWhite(first)) {
    // RFC 9112 5.2: obs-fold is deprecated, and a line folded onto the previous one (or
    // whitespace right after the start line, 2.2) is a known request-smuggling vector: reject.
    throw new HandshakeError(
      'LAPPS_ERR_OBS_FOLD',
      `header line ${lineNumber} starts with whitespace (obs-fold is not accepted)`,
      { status },
    );
  }

  // Name: one pass that validates tchars and notes upper-case letters (table value 2).
  let i = start;
  let kinds = 0;
  for (; i < end; i++) {
    const kind = TCHAR[bytes[i]!]!;
    if (kind === 0) break;
    kinds |= kind;
  }
  if (i === end || bytes[i] !== COLON) {
    throw nameError(bytes, start, i, end, lineNumber, status);
  }
  if (i === start) {
    throw new HandshakeError('LAPPS_ERR_BAD_HEADER_NAME', `header line ${lineNumber}: empty name`, {
      status,
    });
  }
  let name = text.slice(start - base, i - base);
  if ((kinds & 2) !== 0) name = name.toLowerCase();

  // Value: trim OWS on both sides, then every byte left must be a field char (RFC 9110 5.5:
  // HTAB, SP, VCHAR, obs-text); NUL, the other controls (a bare CR too, RFC 9112 2.2) and DEL
  // are rejected. Two compares beat a table lookup here.
  let valueStart = i + 1;
  let valueEnd = end;
  while (valueStart < valueEnd && isWhite(bytes[valueStart])) valueStart++;
  while (valueEnd > valueStart && isWhite(bytes[valueEnd - 1])) valueEnd--;
  for (let j = valueStart; j < valueEnd; j++) {
    const c = bytes[j]!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      throw new HandshakeError(
        'LAPPS_ERR_BAD_HEADER_VALUE',
        `header line ${lineNumber} (${name}): control character 0x${bytes[j]!.toString(16).padStart(2, '0')} in the value`,
        { status },
      );
    }
  }
  const value = text.slice(valueStart - base, valueEnd - base);

  const values = headers.get(name);
  if (values === undefined) headers.set(name, [value]);
  else values.push(value);
}

/** Says precisely why a name did not end at a colon: no colon, whitespace before it, or a bad char. */
function nameError(
  bytes: Uint8Array,
  start: number,
  stop: number,
  end: number,
  lineNumber: number,
  status: number | undefined,
): HandshakeError {
  const colon = bytes.subarray(stop, end).indexOf(COLON);
  if (colon === -1) {
    return new HandshakeError('LAPPS_ERR_BAD_HEADER_LINE', `header line ${lineNumber}: no colon`, {
      status,
    });
  }
  let j = stop;
  while (j < stop + colon && isWhite(bytes[j])) j++;
  if (j === stop + colon && stop > start) {
    // RFC 9112 5.1: "No whitespace is allowed between the field name and colon", and a server
    // MUST answer 400: proxies disagree on such names, which enables smuggling.
    return new HandshakeError(
      'LAPPS_ERR_BAD_HEADER_LINE',
      `header line ${lineNumber}: whitespace between the field name and the colon`,
      { status },
    );
  }
  return new HandshakeError(
    'LAPPS_ERR_BAD_HEADER_NAME',
    `header line ${lineNumber}: byte 0x${bytes[stop]!.toString(16).padStart(2, '0')} is not allowed in a field name (RFC 9110 token)`,
    { status },
  );
}
