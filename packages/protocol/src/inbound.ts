/**
 * Server side: what a client sends. The rules are the original's inbound checks: `lapps` is the
 * number 1, `method` a valid method name, `params` (when present) an array, `cid` (when present) a
 * number, which makes the message a client notification.
 */
import { decodeCbor } from './cbor.js';
import { ProtocolError } from './errors.js';
import type { ProtocolLimits } from './limits.js';
import {
  type DecodedInbound,
  InboundType,
  type InboundMessage,
  LAPPS_VERSION,
} from './message-types.js';
import { describe, show } from './describe-value.js';
import { methodNameProblem } from './method-name.js';

/**
 * Decodes and validates a client's message. Throws `ProtocolError` whose `rpcCode` is the answer:
 * -32700 (DECODE) for bytes that are not CBOR, -32600 (INVALID, LIMIT) for anything else.
 * @example
 * const { type, message } = decodeInbound(payload); // type 3: a request without params
 */
export function decodeInbound(bytes: Uint8Array, limits?: ProtocolLimits): DecodedInbound {
  return classifyInbound(decodeCbor(bytes, limits));
}

/** Validates an already decoded value as a request or client notification. */
export function classifyInbound(value: unknown): DecodedInbound {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(`message must be a map, got ${describe(value)}`);
  }
  const message = value as Record<string, unknown>;
  if (message['lapps'] !== LAPPS_VERSION) {
    invalid(
      message['lapps'] === undefined
        ? 'lapps is missing (expected the number 1)'
        : `lapps must be the number 1, got ${show(message['lapps'])}`,
    );
  }
  const problem = methodNameProblem(message['method']);
  if (problem !== undefined) invalid(problem);
  const params = message['params'];
  if (params !== undefined && !Array.isArray(params)) {
    invalid(`params must be an array, got ${describe(params)}`);
  }
  const cid = message['cid'];
  // The specification says a CN's cid is not 0; the original only checks that it is a number, and
  // services written for it may rely on that, so we accept 0 too.
  if (cid !== undefined && (typeof cid !== 'number' || Number.isNaN(cid))) {
    invalid(`cid must be a number, got ${describe(cid)}`);
  }
  const hasParams = params !== undefined && params.length > 0;
  const type =
    cid === undefined
      ? hasParams
        ? InboundType.RequestWithParams
        : InboundType.Request
      : hasParams
        ? InboundType.NotificationWithParams
        : InboundType.Notification;
  return { type, message: message as unknown as InboundMessage };
}

function invalid(message: string): never {
  throw new ProtocolError('LAPPS_ERR_PROTO_INVALID', message);
}
