// @lapps/frame-codec: RFC 6455 frames, bytes in and out, no sockets and no timers.

export type { Allocate } from './allocate.js';
export { CloseCode, isValidCloseCode } from './close-codes.js';
export type { FrameErrorCode } from './errors.js';
// Errors
export { FrameError } from './errors.js';
export type { FrameBatchOptions } from './frame-batch.js';
export { FrameBatch } from './frame-batch.js';
// Building blocks
export { maskInPlace, unmaskInto } from './mask.js';
export type { ControlOpcode, DataOpcode } from './opcodes.js';
// Protocol vocabulary
export { isControlOpcode, Opcode } from './opcodes.js';
export type { FrameHandler, ParserOptions, Role } from './parser.js';
// Parsing
export { DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE, FrameParser } from './parser.js';
export type { SerializerOptions } from './serializer.js';
// Serializing
export { closePayload, FrameSerializer, headerLength } from './serializer.js';
export { isValidUtf8, Utf8Validator } from './utf8.js';
