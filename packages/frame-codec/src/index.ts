// @lapps/frame-codec: RFC 6455 frames, bytes in and out, no sockets and no timers.

// Parsing
export { FrameParser, DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_MESSAGE_SIZE } from './parser.js';
export type { FrameHandler, ParserOptions, Role } from './parser.js';

// Serializing
export { FrameSerializer, closePayload, headerLength } from './serializer.js';
export type { SerializerOptions } from './serializer.js';
export { FrameBatch } from './frame-batch.js';
export type { FrameBatchOptions } from './frame-batch.js';

// Protocol vocabulary
export { Opcode, isControlOpcode } from './opcodes.js';
export type { ControlOpcode, DataOpcode } from './opcodes.js';
export { CloseCode, isValidCloseCode } from './close-codes.js';

// Building blocks
export { maskInPlace, nativeMaskingLoaded, unmaskInto } from './mask.js';
export { Utf8Validator, isValidUtf8 } from './utf8.js';
export { createSlabAllocator } from './allocate.js';
export type { Allocate, SlabOptions } from './allocate.js';

// Errors
export { FrameError } from './errors.js';
export type { FrameErrorCode } from './errors.js';
