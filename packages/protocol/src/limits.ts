/** Limits on what the decoders accept; the defaults are generous for a message protocol. */
export interface ProtocolLimits {
  /** Largest encoded message in bytes (default {@link DEFAULT_MAX_MESSAGE_BYTES}). */
  maxMessageBytes?: number;
  /** Deepest nesting of arrays, maps and tags (default {@link DEFAULT_MAX_DEPTH}). */
  maxDepth?: number;
}

/** 16 MiB: the original's default `max_inbound_message_size` is far smaller; services may raise theirs. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * 64 levels: cbor-x decodes recursively, so unbounded nesting would overflow the stack; no sane
 * message nests this deep.
 */
export const DEFAULT_MAX_DEPTH = 64;
