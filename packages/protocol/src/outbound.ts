/**
 * What a server may send: responses on channel 0 and out-of-order notifications (OON) on the
 * others. The rules are the original's `ws:send` checks (include/modules/wsSend.h): a response
 * needs `status`; `status: 0` only with `cid: 0`; an error needs a numeric `code` and a string
 * `message`; an OON needs a numeric `cid` != 0 and an array `message`. We differ in one place:
 * wsSend.h also demanded `status` on OONs, which the specification (and the original's own
 * `bcast:send`) does not, so an OON's `status` is optional here, and must be 1 when present.
 */
import { ProtocolError } from './errors.js';
import {
  CONTROL_CHANNEL,
  type ErrorResponse,
  type OutOfOrderMessage,
  ResponseStatus,
  type ServerMessage,
  type SuccessResponse,
} from './message-types.js';
import { describe, show } from './describe-value.js';

/**
 * Checks a value a service wants to send; returns it typed, or throws `ProtocolError`
 * LAPPS_ERR_PROTO_INVALID naming what is wrong.
 * @example
 * validateOutbound({ cid: 0, status: 1, result: ['pong'] });
 */
export function validateOutbound(value: unknown): ServerMessage {
  const problem = serverMessageProblem(value);
  if (problem !== undefined) throw new ProtocolError('LAPPS_ERR_PROTO_INVALID', problem);
  return value as ServerMessage;
}

/**
 * A map's member: plain objects (cbor-x, JSON) and `Map`s (what a Lua table becomes) alike, so a
 * service's value is checked before it is encoded, without converting it.
 */
function member(map: object, key: string): unknown {
  return map instanceof Map ? map.get(key) : (map as Record<string, unknown>)[key];
}

function isMap(value: unknown): value is object {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/**
 * Why `value` is not a valid server message, or `undefined` when it is. Maps may be plain
 * objects or `Map`s.
 */
export function serverMessageProblem(value: unknown): string | undefined {
  if (!isMap(value)) {
    return `message must be a map, got ${describe(value)}`;
  }
  const message = value;
  const cid = member(message, 'cid');
  const status = member(message, 'status');
  if (typeof cid !== 'number' || Number.isNaN(cid)) {
    return cid === undefined ? 'cid is missing' : `cid must be a number, got ${describe(cid)}`;
  }
  if (
    status !== undefined &&
    status !== ResponseStatus.Success &&
    status !== ResponseStatus.Error
  ) {
    return `status must be 0 or 1, got ${show(status)}`;
  }
  if (cid !== CONTROL_CHANNEL) {
    if (status === ResponseStatus.Error)
      return `status 0 is only allowed with cid 0, got cid ${cid}`;
    const body = member(message, 'message');
    if (!Array.isArray(body)) {
      return `an OON (cid ${cid}) needs an array "message", got ${describe(body)}`;
    }
    return undefined;
  }
  if (status === undefined) return 'a response (cid 0) needs status 0 or 1';
  if (status === ResponseStatus.Success) {
    const result = member(message, 'result');
    if (!Array.isArray(result)) {
      return `a response with status 1 needs an array "result", got ${describe(result)}`;
    }
    return undefined;
  }
  const error = member(message, 'error');
  if (!isMap(error)) {
    return `a response with status 0 needs an "error" map, got ${describe(error)}`;
  }
  const code = member(error, 'code');
  const text = member(error, 'message');
  if (typeof code !== 'number' || Number.isNaN(code)) {
    return `error.code must be a number, got ${describe(code)}`;
  }
  if (typeof text !== 'string') return `error.message must be a string, got ${describe(text)}`;
  return undefined;
}

/**
 * Why `value` cannot be broadcast, or `undefined`: the original's `bcast:send` checks (a numeric
 * `cid` and an array `message`), plus **(ours)** `cid` 0 is refused, since a client would take it
 * for a response to its oldest pending call.
 */
export function broadcastProblem(value: unknown): string | undefined {
  if (!isMap(value)) return `message must be a map, got ${describe(value)}`;
  const cid = member(value, 'cid');
  if (typeof cid !== 'number' || Number.isNaN(cid)) {
    return cid === undefined ? 'cid is missing' : `cid must be a number, got ${describe(cid)}`;
  }
  if (cid === CONTROL_CHANNEL) return 'a broadcast needs a channel cid other than 0';
  const body = member(value, 'message');
  if (!Array.isArray(body)) return `a broadcast needs an array "message", got ${describe(body)}`;
  return undefined;
}

/** `{cid: 0, status: 1, result}`. */
export function successResponse(result: unknown[]): SuccessResponse {
  return { cid: CONTROL_CHANNEL, status: ResponseStatus.Success, result };
}

/** `{cid: 0, status: 0, error: {code, message, data?}}`. */
export function errorResponse(code: number, message: string, data?: unknown): ErrorResponse {
  const error = data === undefined ? { code, message } : { code, message, data };
  return { cid: CONTROL_CHANNEL, status: ResponseStatus.Error, error };
}

/** `{cid, message}`: an OON on application channel `cid` (not 0). */
export function outOfOrderMessage(cid: number, message: unknown[]): OutOfOrderMessage {
  if (cid === CONTROL_CHANNEL || !Number.isFinite(cid)) {
    throw new ProtocolError(
      'LAPPS_ERR_PROTO_ARGUMENT',
      `an OON channel must be a number other than 0, got ${cid}`,
    );
  }
  return { cid, message };
}
