/**
 * A message protocol sits between the wire and a network service: it turns an inbound message into
 * `onMessage`'s type and value, and a Lua value into bytes for `ws:send(handler, value)` and
 * `bcast:send(channel, value)`. The LAppS protocol (`@lapps/protocol`) is one; the bridge imports
 * none and only knows this shape. Without a protocol a service is `raw`: `onMessage(handler,
 * opcode, string)`.
 *
 * Inbound values cross as JS values (as cbor-x or JSON.parse build them); outbound values as
 * CBOR bytes that the bridge writes straight from the Lua table (the encoding of
 * `nljson.to_cbor`), which the protocol checks before they are sent.
 */

/** An inbound message the protocol accepted: `onMessage(handler, type, value)`. */
export interface AcceptedInbound {
  readonly ok: true;
  /** The number `onMessage` receives as its second argument. */
  readonly type: number;
  /** Becomes a Lua value as `nljson.from_cbor` would build it. */
  readonly value: unknown;
}

/**
 * An inbound message the protocol refused: Lua is not called. `reply` (binary) is sent to the
 * connection, then the connection is closed with `close` when given; it stays open otherwise.
 */
export interface RejectedInbound {
  readonly ok: false;
  readonly reply?: Uint8Array;
  readonly close?: number;
  /** The close reason, and what the debug log says. */
  readonly reason: string;
}

export type InboundResult = AcceptedInbound | RejectedInbound;

/** What `checkInbound` answers: the type `onMessage` receives, or a refusal. */
export type CheckedInbound = { readonly ok: true; readonly type: number } | RejectedInbound;

/** Where a Lua value is going: one connection (`ws:send`) or a broadcast channel (`bcast:send`). */
export type OutboundUse = 'send' | 'broadcast';

export interface MessageProtocol {
  /** For logs, e.g. 'LAppS'. */
  readonly name: string;
  /**
   * Decodes one inbound message. Absent: the service receives the opcode and the bytes (raw).
   * Called in message order, when the instance is ready for the message.
   */
  decodeInbound?(opcode: 1 | 2, payload: Uint8Array): InboundResult;
  /**
   * Checks one inbound message from its bytes alone; the bridge then builds the Lua value straight
   * from the payload, which must be CBOR (as `nljson.from_cbor` would, see
   * modules/cbor-to-lua.ts), instead of calling `decodeInbound`. Preferred when present: no JS
   * value is made on the way.
   */
  checkInbound?(opcode: 1 | 2, payload: Uint8Array): CheckedInbound;
  /**
   * What to do with an accepted message whose value Lua cannot hold (a CBOR tag, a string with an
   * unpaired surrogate): `reason` says what. Used with `decodeInbound`.
   */
  rejectInbound?(reason: string): RejectedInbound;
  /**
   * Checks a value leaving Lua, given as its CBOR encoding, before it is sent as one binary
   * frame: returns why it may not be sent (the Lua caller gets `false, message`), or undefined.
   */
  checkOutbound(cbor: Uint8Array, use: OutboundUse): string | undefined;
}
