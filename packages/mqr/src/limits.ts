/** Limits every backend enforces; each has a default. */
export interface QueueLimits {
  /** Messages a queue holds before `post` fails with QUEUE_FULL (default {@link DEFAULT_CAPACITY}). */
  capacity?: number;
  /** Largest message in bytes (default {@link DEFAULT_MAX_MESSAGE_BYTES}). */
  maxMessageBytes?: number;
}

export const DEFAULT_CAPACITY = 10_000;
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/** Queue names are non-empty strings of at most this many UTF-8 bytes. */
export const MAX_QUEUE_NAME_BYTES = 256;
