/**
 * The CBOR layer (RFC 8949) over cbor-x, configured for plain JS values both ways: maps decode as
 * objects, no record/structure extension (tag 105: only another cbor-x would understand it), and
 * byte strings without cbor-x's typed-array tag, so Lua's nljson and the browser see plain CBOR.
 * `Map`s (what a Lua table becomes on the server) encode as plain CBOR maps too, not with tag 259,
 * which other decoders (the original's cbor.js, nlohmann) do not know.
 */
import { Decoder, Encoder } from 'cbor-x';
import { checkCborDepth } from './cbor-depth.js';
import { ProtocolError } from './errors.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES, type ProtocolLimits } from './limits.js';

const CBOR_OPTIONS = { useRecords: false, mapsAsObjects: true, tagUint8Array: false } as const;
// Through a variable: cbor-x's types lack `useTag259ForMaps`, which its encoder reads (README).
const ENCODER_OPTIONS = { ...CBOR_OPTIONS, useTag259ForMaps: false };
const encoder = new Encoder(ENCODER_OPTIONS);
const decoder = new Decoder(CBOR_OPTIONS);

/**
 * Encodes any message (or any JS value) as CBOR. The result is a view into cbor-x's output buffer
 * that later encodes do not overwrite (cbor-x moves on, or allocates a new buffer), so it can be
 * handed to a socket without copying.
 */
export function encodeMessage(value: unknown): Uint8Array {
  try {
    return encoder.encode(value);
  } catch (error) {
    throw new ProtocolError('LAPPS_ERR_PROTO_INVALID', `cannot encode as CBOR: ${reason(error)}`, {
      cause: error,
    });
  }
}

/** Decodes one CBOR value within the limits: DECODE for bad CBOR, LIMIT for size and depth. */
export function decodeCbor(bytes: Uint8Array, limits?: ProtocolLimits): unknown {
  const maxBytes = limits?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (bytes.length > maxBytes) {
    throw new ProtocolError(
      'LAPPS_ERR_PROTO_LIMIT',
      `message of ${bytes.length} bytes is larger than the limit of ${maxBytes}`,
    );
  }
  if (bytes.length === 0) {
    throw new ProtocolError('LAPPS_ERR_PROTO_DECODE', 'invalid CBOR: empty message');
  }
  checkCborDepth(bytes, limits?.maxDepth ?? DEFAULT_MAX_DEPTH);
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw new ProtocolError('LAPPS_ERR_PROTO_DECODE', `invalid CBOR: ${reason(error)}`, {
      cause: error,
    });
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
