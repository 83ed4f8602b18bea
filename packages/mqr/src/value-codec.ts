/**
 * Values on the queues are CBOR, the encoding the Lua module uses (nljson's `to_cbor`), so a table
 * posted from Lua arrives in TypeScript as an object and the other way round: maps as plain CBOR
 * maps (never cbor-x's tag 259 or its record extension), byte strings without a typed-array tag.
 */
import { Decoder, Encoder } from 'cbor-x';
import { MqrError } from './errors.js';

const OPTIONS = { useRecords: false, mapsAsObjects: true, tagUint8Array: false } as const;
// Through a variable: cbor-x's types lack `useTag259ForMaps`, which its encoder reads.
const ENCODER_OPTIONS = { ...OPTIONS, useTag259ForMaps: false };
const encoder = new Encoder(ENCODER_OPTIONS);
const decoder = new Decoder(OPTIONS);

export function encodeValue(value: unknown): Uint8Array {
  try {
    // A copy: the caller hands it to a queue that keeps it while cbor-x reuses its buffer.
    return Uint8Array.from(encoder.encode(value));
  } catch (error) {
    throw new MqrError(
      'LAPPS_ERR_MQR_INVALID_ARGUMENT',
      `cannot encode the value as CBOR: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export function decodeValue(bytes: Uint8Array): unknown {
  return decoder.decode(bytes);
}
