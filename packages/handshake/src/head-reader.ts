import { HandshakeError } from './errors.js';
import { type HeaderMap, parseHeaderLine } from './header-block.js';
import { latin1String } from './latin1.js';
import { type HeadLimits, resolveLimits } from './limits.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * The incremental part shared by the request and response parsers: finds the lines of a head in
 * chunks of any size, enforces the limits as early as possible, hands the start line to the
 * subclass and the field lines to header-block.ts.
 *
 * Lines are parsed as soon as they are complete, so a bad request line fails on its first chunk
 * and a client streaming headers hits the header limit without sending the whole head.
 *
 * Line endings: only CRLF. RFC 9112 2.2 allows a recipient to also accept a bare LF; we do not,
 * since disagreeing with a proxy about where a line ends is how requests get smuggled, and every
 * browser and WebSocket client sends CRLF.
 */
export abstract class HeadReader<T> {
  private readonly maxHeadBytes: number;
  private readonly maxHeaders: number;
  /** Status for HandshakeError: undefined gives each code's server status, 0 is for clients. */
  private readonly errorStatus: number | undefined;
  /** Our copy of the head so far, only when it spans chunks (the common case copies nothing). */
  private buffer: Uint8Array | undefined;
  private filled = 0;
  private lineStart = 0;
  private scanFrom = 0;
  private lines = 0;
  private headers: HeaderMap = new Map();
  private finished = false;
  private failure: HandshakeError | undefined;

  constructor(limits: Partial<HeadLimits> | undefined, errorStatus: number | undefined) {
    const resolved = resolveLimits(limits);
    this.maxHeadBytes = resolved.maxHeadBytes;
    this.maxHeaders = resolved.maxHeaders;
    this.errorStatus = errorStatus;
  }

  /** Bytes held while waiting for the rest of the head; never more than `maxHeadBytes`. */
  get bufferedBytes(): number {
    return this.filled;
  }

  /**
   * Feeds the next chunk. Returns the head once complete (with the bytes after it as `rest`),
   * undefined while more is needed, and throws HandshakeError when the head is invalid. After
   * the head or an error, every later call throws (the same error, or LAPPS_ERR_PARSER_FINISHED).
   * The chunk is not kept: the caller may reuse its memory when push returns.
   */
  push(chunk: Uint8Array): T | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) {
      throw new HandshakeError('LAPPS_ERR_PARSER_FINISHED', 'push() after the head was complete');
    }
    try {
      return this.buffer === undefined ? this.pushFirst(chunk) : this.pushMore(chunk);
    } catch (error) {
      // Only our own errors can come out of the scan; anything else is a bug and must surface.
      if (error instanceof HandshakeError) this.failure = error;
      throw error;
    }
  }

  /**
   * Parses the start line `bytes[start, end)` (without CRLF). `text` is the latin1 decoding of
   * the bytes from index `base`: cut strings with `text.slice(start - base, end - base)`.
   */
  protected abstract startLine(
    bytes: Uint8Array,
    text: string,
    base: number,
    start: number,
    end: number,
  ): void;

  protected abstract complete(headers: HeaderMap, rest: Uint8Array): T;

  protected fail(code: HandshakeError['code'], message: string): never {
    throw new HandshakeError(code, message, { status: this.errorStatus });
  }

  /** The common case: the whole head is in the first chunk, and is parsed in place. */
  private pushFirst(chunk: Uint8Array): T | undefined {
    const limit = Math.min(chunk.length, this.maxHeadBytes);
    const end = this.scan(chunk, limit);
    if (end !== -1) return this.finish(chunk, end);
    if (chunk.length >= this.maxHeadBytes) this.tooLarge();
    this.buffer = new Uint8Array(Math.min(this.maxHeadBytes, Math.max(1024, chunk.length * 2)));
    this.buffer.set(chunk);
    this.filled = chunk.length;
    return undefined;
  }

  private pushMore(chunk: Uint8Array): T | undefined {
    const take = Math.min(chunk.length, this.maxHeadBytes - this.filled);
    let buffer = this.buffer!;
    if (this.filled + take > buffer.length) {
      const grown = new Uint8Array(
        Math.min(this.maxHeadBytes, Math.max(buffer.length * 2, this.filled + take)),
      );
      grown.set(buffer.subarray(0, this.filled));
      buffer = grown;
      this.buffer = grown;
    }
    const before = this.filled;
    buffer.set(take === chunk.length ? chunk : chunk.subarray(0, take), before);
    this.filled += take;
    const end = this.scan(buffer, this.filled);
    if (end !== -1) return this.finish(chunk, end - before);
    // Not complete within maxHeadBytes: any further byte would exceed it, so fail now.
    if (this.filled >= this.maxHeadBytes) this.tooLarge();
    return undefined;
  }

  private finish(chunk: Uint8Array, restStart: number): T {
    this.finished = true;
    this.buffer = undefined;
    this.filled = 0;
    // A copy, not a view: servers read into one shared buffer that the next read overwrites.
    const rest = new Uint8Array(chunk.subarray(restStart));
    const headers = this.headers;
    this.headers = new Map();
    return this.complete(headers, rest);
  }

  /**
   * Parses every complete line in `bytes[scanFrom, limit)`. Returns the index just past the empty
   * line that ends the head, or -1 when more bytes are needed.
   *
   * The bytes are checked as bytes, but the strings are cut from ONE latin1 decoding of all the
   * complete lines: one native call per chunk instead of two per line halves the parse time, and
   * V8 makes the slices views of that string.
   */
  private scan(bytes: Uint8Array, limit: number): number {
    const from = this.scanFrom;
    this.scanFrom = limit;
    if (from >= limit) return -1;
    // Search only the new bytes [from, limit): beyond `limit` lie spare capacity or bytes past the
    // head limit, and searching old bytes again on each push would make a client that sends one
    // byte per packet cost quadratic time.
    const window = bytes.length === limit ? bytes : bytes.subarray(0, limit);
    let lf = window.indexOf(LF, from);
    if (lf === -1) return -1;
    const lastLf = window.lastIndexOf(LF, limit - 1); // stops at `lf` at the latest
    const base = this.lineStart;
    const text = latin1String(bytes, base, lastLf + 1);
    for (;;) {
      const lineStart = this.lineStart;
      if (lf === lineStart || bytes[lf - 1] !== CR) {
        this.fail('LAPPS_ERR_BAD_LINE_ENDING', `line ${this.lines + 1} ends with a bare LF`);
      }
      const lineEnd = lf - 1;
      if (this.lines === 0) {
        this.startLine(bytes, text, base, lineStart, lineEnd);
      } else if (lineEnd === lineStart) {
        return lf + 1;
      } else {
        if (this.lines > this.maxHeaders) {
          this.fail('LAPPS_ERR_TOO_MANY_HEADERS', `more than ${this.maxHeaders} header lines`);
        }
        parseHeaderLine(
          bytes,
          text,
          base,
          lineStart,
          lineEnd,
          this.headers,
          this.lines,
          this.errorStatus,
        );
      }
      this.lines++;
      this.lineStart = lf + 1;
      if (lf === lastLf) return -1;
      lf = window.indexOf(LF, lf + 1);
    }
  }

  private tooLarge(): never {
    this.fail('LAPPS_ERR_HEAD_TOO_LARGE', `head larger than ${this.maxHeadBytes} bytes`);
  }
}
