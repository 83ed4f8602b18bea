import { CloseCode } from './close-codes.js';

/** Stable identifiers of everything the codec can reject. */
export type FrameErrorCode =
  | 'LAPPS_ERR_RSV_SET'
  | 'LAPPS_ERR_RESERVED_OPCODE'
  | 'LAPPS_ERR_UNMASKED_FRAME'
  | 'LAPPS_ERR_MASKED_FRAME'
  | 'LAPPS_ERR_CONTROL_TOO_LONG'
  | 'LAPPS_ERR_CONTROL_FRAGMENTED'
  | 'LAPPS_ERR_LENGTH_TOP_BIT'
  | 'LAPPS_ERR_UNEXPECTED_CONTINUATION'
  | 'LAPPS_ERR_EXPECTED_CONTINUATION'
  | 'LAPPS_ERR_CLOSE_PAYLOAD_LENGTH'
  | 'LAPPS_ERR_INVALID_CLOSE_CODE'
  | 'LAPPS_ERR_INVALID_UTF8'
  | 'LAPPS_ERR_MESSAGE_TOO_BIG'
  | 'LAPPS_ERR_TOO_MANY_FRAGMENTS'
  | 'LAPPS_ERR_CLOSE_REASON_TOO_LONG'
  | 'LAPPS_ERR_INVALID_ARGUMENT';

/** The close code RFC 6455 names for each rejection. */
const closeCodeOf: Record<FrameErrorCode, number> = {
  LAPPS_ERR_RSV_SET: CloseCode.ProtocolError,
  LAPPS_ERR_RESERVED_OPCODE: CloseCode.ProtocolError,
  LAPPS_ERR_UNMASKED_FRAME: CloseCode.ProtocolError,
  LAPPS_ERR_MASKED_FRAME: CloseCode.ProtocolError,
  LAPPS_ERR_CONTROL_TOO_LONG: CloseCode.ProtocolError,
  LAPPS_ERR_CONTROL_FRAGMENTED: CloseCode.ProtocolError,
  LAPPS_ERR_LENGTH_TOP_BIT: CloseCode.ProtocolError,
  LAPPS_ERR_UNEXPECTED_CONTINUATION: CloseCode.ProtocolError,
  LAPPS_ERR_EXPECTED_CONTINUATION: CloseCode.ProtocolError,
  LAPPS_ERR_CLOSE_PAYLOAD_LENGTH: CloseCode.ProtocolError,
  LAPPS_ERR_INVALID_CLOSE_CODE: CloseCode.ProtocolError,
  LAPPS_ERR_INVALID_UTF8: CloseCode.InvalidPayload,
  LAPPS_ERR_MESSAGE_TOO_BIG: CloseCode.MessageTooBig,
  LAPPS_ERR_TOO_MANY_FRAGMENTS: CloseCode.PolicyViolation,
  // The two below are raised by the serializer against its caller, not by a peer; 1011 is what a
  // server would send if it let such an error escape.
  LAPPS_ERR_CLOSE_REASON_TOO_LONG: CloseCode.InternalError,
  LAPPS_ERR_INVALID_ARGUMENT: CloseCode.InternalError,
};

/**
 * The one error class of `@lapps/frame-codec`. `code` is stable for callers to switch on;
 * `closeCode` is the status to put in the close frame sent in reply.
 */
export class FrameError extends Error {
  readonly code: FrameErrorCode;
  readonly closeCode: number;

  constructor(code: FrameErrorCode, message: string) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
    this.closeCode = closeCodeOf[code];
  }
}
