import { HandshakeError } from './errors.js';

/** Limits on a head (request or response), which the peer controls. */
export interface HeadLimits {
  /**
   * Most bytes of the head, from the first byte of the start line to the end of the empty line
   * that closes it, inclusive. More answers 431. Default {@link DEFAULT_MAX_HEAD_BYTES}.
   */
  maxHeadBytes: number;
  /**
   * Most header lines (a repeated name counts each time). More answers 431.
   * Default {@link DEFAULT_MAX_HEADERS}.
   */
  maxHeaders: number;
}

/** 8 KiB: browsers send 400-2000 bytes; Apache and nginx cap a header line near 8 KiB too. */
export const DEFAULT_MAX_HEAD_BYTES = 8 * 1024;

/** 100 header lines: browsers send about 15; Apache's `LimitRequestFields` default is 100. */
export const DEFAULT_MAX_HEADERS = 100;

/** Fills in the defaults and rejects nonsense early, at construction rather than per request. */
export function resolveLimits(limits: Partial<HeadLimits> | undefined): HeadLimits {
  const maxHeadBytes = limits?.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
  const maxHeaders = limits?.maxHeaders ?? DEFAULT_MAX_HEADERS;
  if (!Number.isInteger(maxHeadBytes) || maxHeadBytes < 4) {
    throw new HandshakeError(
      'LAPPS_ERR_INVALID_ARGUMENT',
      `maxHeadBytes: expected an integer >= 4, got ${String(maxHeadBytes)}`,
    );
  }
  if (!Number.isInteger(maxHeaders) || maxHeaders < 0) {
    throw new HandshakeError(
      'LAPPS_ERR_INVALID_ARGUMENT',
      `maxHeaders: expected an integer >= 0, got ${String(maxHeaders)}`,
    );
  }
  return { maxHeadBytes, maxHeaders };
}
