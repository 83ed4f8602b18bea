import { SchedulerError } from './scheduler-error.js';

/**
 * The frames of the binary channel between worker processes (DESIGN section 4: the slow path of a
 * connection whose service has no instance in the worker that accepted it, and cross-process
 * `bcast`). Every frame is a fixed 12-byte header and a payload:
 *
 * | offset | size | field                                                                  |
 * | -----: | ---: | ---------------------------------------------------------------------- |
 * |      0 |    1 | type (`PeerFrameType`)                                                 |
 * |      1 |    1 | WebSocket opcode (1 text, 2 binary) of Message/Send/Broadcast; the subtype of Custom; 0 otherwise |
 * |      2 |    2 | close code of Close; free for Custom; 0 otherwise (reserved)           |
 * |      4 |    4 | connection id, or the channel of Broadcast                             |
 * |      8 |    4 | payload length                                                         |
 *
 * Integers are little-endian: both ends are processes of one server on one host, and it is the
 * native order of every platform Node runs on, so neither end ever swaps bytes.
 */
export const PeerFrameType = {
  /** A client connection `id` opened; payload: `encodePeerOpen` (UTF-8 JSON). */
  Open: 1,
  /** A WebSocket message from client `id`; payload: its bytes. */
  Message: 2,
  /** Client `id` is gone (closed or dropped); no payload. */
  Disconnect: 3,
  /** The instance sends a message to client `id`; payload: its bytes. */
  Send: 4,
  /** The instance closes client `id`: close code in the code field, payload: UTF-8 reason. */
  Close: 5,
  /** A message for every subscriber of channel `id` in the receiving worker. */
  Broadcast: 6,
  /** Anything else (mqr traffic to come), told apart by the subtype in the opcode byte. */
  Custom: 7,
} as const;

export type PeerFrameType = (typeof PeerFrameType)[keyof typeof PeerFrameType];

/** The WebSocket opcodes a Message, Send or Broadcast frame carries (RFC 6455 section 5.2). */
export const PeerOpcode = { Text: 1, Binary: 2 } as const;

export type PeerOpcode = (typeof PeerOpcode)[keyof typeof PeerOpcode];

export const PEER_HEADER_SIZE = 12;

/** Shared empty payload: frames without one cost no allocation. Never written to. */
export const EMPTY_PAYLOAD: Uint8Array = new Uint8Array(0);

/** Default largest payload: above the server's default message limit (16 MiB) with room to spare. */
export const DEFAULT_MAX_PEER_PAYLOAD = 64 * 1024 * 1024;

// The length field is a u32.
const MAX_U32 = 0xffff_ffff;
const MAX_U16 = 0xffff;
const MAX_U8 = 0xff;
// Type 0 is left out on purpose: a stream that went astray into zeroed memory fails at once.
const FIRST_TYPE = PeerFrameType.Open;
const LAST_TYPE = PeerFrameType.Custom;

/** Whether `type` is a frame type this version knows. */
export function isPeerFrameType(type: number): type is PeerFrameType {
  return type >= FIRST_TYPE && type <= LAST_TYPE;
}

/** Whether frames of `type` carry a WebSocket message, whose opcode must be text or binary. */
export function carriesWebSocketMessage(type: number): boolean {
  return (
    type === PeerFrameType.Message ||
    type === PeerFrameType.Send ||
    type === PeerFrameType.Broadcast
  );
}

/** Checks a configured payload limit: a non-negative integer that fits the u32 length field. */
export function checkMaxPayload(maxPayload: number): number {
  if (!Number.isInteger(maxPayload) || maxPayload < 0 || maxPayload > MAX_U32) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_FRAME',
      `peer frames: maxPayload: expected an integer from 0 to ${MAX_U32}, got ${maxPayload}`,
    );
  }
  return maxPayload;
}

/**
 * Checks the fields of a frame about to be sent, so that a bad value fails at the sender with a
 * message saying which, rather than as a corrupt stream at the receiver.
 */
export function checkPeerFrame(
  type: number,
  opcode: number,
  code: number,
  id: number,
  length: number,
  maxPayload: number,
): void {
  if (!isPeerFrameType(type)) {
    throw new SchedulerError('LAPPS_ERR_PEER_FRAME', `peer frame: unknown type ${type}`);
  }
  if (
    carriesWebSocketMessage(type)
      ? opcode !== 1 && opcode !== 2
      : opcode >>> 0 !== opcode || opcode > MAX_U8
  ) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_FRAME',
      `peer frame of type ${type}: invalid opcode ${opcode} (text 1 or binary 2 for messages, a u8 otherwise)`,
    );
  }
  if (code >>> 0 !== code || code > MAX_U16) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_FRAME',
      `peer frame of type ${type}: code ${code} is not a u16`,
    );
  }
  if (id >>> 0 !== id) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_FRAME',
      `peer frame of type ${type}: id ${id} is not a u32`,
    );
  }
  if (length > maxPayload) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_FRAME_TOO_BIG',
      `peer frame of type ${type}: payload of ${length} bytes is over the limit of ${maxPayload}`,
    );
  }
}

/** Writes a 12-byte header at `at` (the caller has checked the fields and made room). */
export function writePeerHeader(
  target: Uint8Array,
  at: number,
  type: number,
  opcode: number,
  code: number,
  id: number,
  length: number,
): void {
  target[at] = type;
  target[at + 1] = opcode;
  target[at + 2] = code;
  target[at + 3] = code >>> 8;
  target[at + 4] = id;
  target[at + 5] = id >>> 8;
  target[at + 6] = id >>> 16;
  target[at + 7] = id >>> 24;
  target[at + 8] = length;
  target[at + 9] = length >>> 8;
  target[at + 10] = length >>> 16;
  target[at + 11] = length >>> 24;
}

/** Reads the little-endian u32 at `at`. */
export function readU32(source: Uint8Array, at: number): number {
  return (
    (source[at]! | (source[at + 1]! << 8) | (source[at + 2]! << 16) | (source[at + 3]! << 24)) >>> 0
  );
}

/**
 * One frame in a buffer of its own: for tests and one-off messages. The hot path is `PeerEncoder`,
 * which packs frames into shared chunks instead.
 */
export function encodePeerFrame(
  type: PeerFrameType,
  opcode: number,
  code: number,
  id: number,
  payload: Uint8Array = EMPTY_PAYLOAD,
  maxPayload: number = DEFAULT_MAX_PEER_PAYLOAD,
): Uint8Array {
  checkPeerFrame(type, opcode, code, id, payload.length, maxPayload);
  const frame = new Uint8Array(PEER_HEADER_SIZE + payload.length);
  writePeerHeader(frame, 0, type, opcode, code, id, payload.length);
  frame.set(payload, PEER_HEADER_SIZE);
  return frame;
}
