import { decodeCbor } from './cbor.js';
import { ProtocolError } from './errors.js';
import type { ProtocolLimits } from './limits.js';
import type { ServerMessage } from './message-types.js';
import { serverMessageProblem } from './outbound.js';

/**
 * Client side: decodes a server's message (a response or an OON) and checks it with the same rules
 * as `validateOutbound`. Throws `ProtocolError` DECODE, INVALID or LIMIT.
 */
export function decodeServerMessage(bytes: Uint8Array, limits?: ProtocolLimits): ServerMessage {
  const value = decodeCbor(bytes, limits);
  // Only an explicit-map tag (259) decodes to a Map; the client reads members as properties.
  const problem =
    value instanceof Map || (value as { error?: unknown } | null)?.error instanceof Map
      ? 'maps tagged 259 (explicit Map) are not LAppS messages'
      : serverMessageProblem(value);
  if (problem !== undefined) {
    throw new ProtocolError('LAPPS_ERR_PROTO_INVALID', `server message: ${problem}`);
  }
  return value as ServerMessage;
}
