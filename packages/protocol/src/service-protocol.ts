/**
 * The LAppS protocol as a server-side service sees it: the shape `@lapps/lua-bridge` takes as a
 * service's `protocol` (its `MessageProtocol`, matched structurally so neither package imports the
 * other). Inbound: a text frame closes the connection with 1003; CBOR that does not decode gets an
 * error response -32700 and anything else invalid -32600, and the connection stays open (the
 * original stopped the whole service instance). An invalid message that is recognisably a client
 * notification (a map with a numeric `cid`) gets no response, as JSON-RPC never answers one: a
 * response would be taken for the answer to the client's oldest pending call.
 *
 * Outbound: `ws:send` values must be responses or OONs, `bcast:send` values OONs. The Lua bridge
 * writes a value's CBOR itself and asks `checkOutbound`; `encodeValue` validates and encodes a JS
 * value, for servers written in TypeScript.
 */
import { EnvelopeError, readEnvelope } from './cbor-envelope.js';
import { JsonRpcErrorCode } from './error-codes.js';
import { ProtocolError } from './errors.js';
import { classifyInbound } from './inbound.js';
import { decodeCbor, encodeMessage } from './cbor.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES, type ProtocolLimits } from './limits.js';
import { broadcastProblem, errorResponse, serverMessageProblem } from './outbound.js';

/** RFC 6455 1003: the endpoint cannot accept this kind of data (text on a binary protocol). */
const CLOSE_UNSUPPORTED_DATA = 1003;

export type ServiceInbound =
  | { readonly ok: true; readonly type: number; readonly value: unknown }
  | {
      readonly ok: false;
      readonly reply?: Uint8Array;
      readonly close?: number;
      readonly reason: string;
    };

/** A message `checkInbound` accepted: its `onMessage` type; the value is the payload's CBOR. */
export type CheckedInbound =
  | { readonly ok: true; readonly type: number }
  | (ServiceInbound & { readonly ok: false });

export interface ServiceProtocol {
  readonly name: 'LAppS';
  decodeInbound(opcode: 1 | 2, payload: Uint8Array): ServiceInbound;
  checkInbound(opcode: 1 | 2, payload: Uint8Array): CheckedInbound;
  rejectInbound(reason: string): ServiceInbound & { ok: false };
  checkOutbound(cbor: Uint8Array, use: 'send' | 'broadcast'): string | undefined;
  encodeValue(value: unknown, use: 'send' | 'broadcast'): Uint8Array;
}

const TEXT_REFUSED: ServiceInbound = {
  ok: false,
  close: CLOSE_UNSUPPORTED_DATA,
  reason: 'LAppS services take CBOR in binary frames, not text',
};

function verb(use: 'send' | 'broadcast'): string {
  return use === 'send' ? 'ws:send' : 'bcast:send';
}

function isNotification(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)['cid'] === 'number'
  );
}

function refusal(code: number, reason: string): ServiceInbound & { ok: false } {
  return { ok: false, reply: encodeMessage(errorResponse(code, reason)), reason };
}

/**
 * The LAppS protocol for a server's services, with the decoder's limits.
 * @example
 * createLuaServiceFactory({ name: 'echo_lapps', dir, log, protocol: lappsServiceProtocol() });
 */
export function lappsServiceProtocol(limits?: ProtocolLimits): ServiceProtocol {
  return {
    name: 'LAppS',
    decodeInbound(opcode, payload) {
      if (opcode === 1) return TEXT_REFUSED;
      let decoded: unknown;
      try {
        decoded = decodeCbor(payload, limits);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        return refusal(error.rpcCode, error.message);
      }
      try {
        const { type, message } = classifyInbound(decoded);
        return { ok: true, type, value: message };
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        if (isNotification(decoded)) return { ok: false, reason: error.message };
        return refusal(error.rpcCode, error.message);
      }
    },
    checkInbound(opcode, payload) {
      // The checks of decodeInbound, on the envelope alone: the Lua bridge then builds the value
      // straight from the bytes, and nothing is decoded twice.
      if (opcode === 1) return TEXT_REFUSED;
      const maxBytes = limits?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
      if (payload.length > maxBytes) {
        return refusal(
          JsonRpcErrorCode.InvalidRequest,
          `message of ${payload.length} bytes is larger than the limit of ${maxBytes}`,
        );
      }
      if (payload.length === 0) {
        return refusal(JsonRpcErrorCode.ParseError, 'invalid CBOR: empty message');
      }
      let envelope: unknown;
      try {
        envelope = readEnvelope(payload, limits?.maxDepth ?? DEFAULT_MAX_DEPTH);
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        return error.limit
          ? refusal(JsonRpcErrorCode.InvalidRequest, `message ${error.message}`)
          : refusal(JsonRpcErrorCode.ParseError, `invalid CBOR: ${error.message}`);
      }
      try {
        return { ok: true, type: classifyInbound(envelope).type };
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        if (isNotification(envelope)) return { ok: false, reason: error.message };
        return refusal(error.rpcCode, error.message);
      }
    },
    rejectInbound(reason) {
      return refusal(JsonRpcErrorCode.InvalidRequest, reason);
    },
    checkOutbound(cbor, use) {
      // Only the envelope is read: a big result costs no decoding. No size limit here: the
      // service's limit is on what it receives.
      let value: unknown;
      try {
        value = readEnvelope(cbor, limits?.maxDepth ?? DEFAULT_MAX_DEPTH);
      } catch (error) {
        return `${verb(use)}: invalid CBOR: ${(error as Error).message}`;
      }
      const problem = use === 'send' ? serverMessageProblem(value) : broadcastProblem(value);
      return problem === undefined ? undefined : `${verb(use)}: ${problem}`;
    },
    encodeValue(value, use) {
      const problem = use === 'send' ? serverMessageProblem(value) : broadcastProblem(value);
      if (problem !== undefined) {
        throw new ProtocolError('LAPPS_ERR_PROTO_INVALID', `${verb(use)}: ${problem}`);
      }
      return encodeMessage(value);
    },
  };
}
