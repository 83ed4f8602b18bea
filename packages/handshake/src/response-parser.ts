import { HeadReader } from './head-reader.js';
import type { HeaderMap } from './header-block.js';
import { type HttpVersion, readHttpVersion } from './http-version.js';
import type { HeadLimits } from './limits.js';

/** A parsed HTTP/1.x response head (the server's answer to a client's Upgrade request). */
export interface ResponseHead {
  readonly version: HttpVersion;
  /** The status code, 100-599. */
  readonly status: number;
  /** The reason phrase as sent (may be empty; RFC 9112 4 says to ignore its content). */
  readonly reason: string;
  /** Lower-cased names; a repeated name keeps every value in order. */
  readonly headers: HeaderMap;
  /** The bytes after the head (the server's first frames may arrive with it); a copy. */
  readonly rest: Uint8Array;
}

const SP = 0x20;

/**
 * Incremental parser of an HTTP/1.1 response head (RFC 9112 4), with the same limits and header
 * rules as {@link RequestHeadParser}. Its errors have `status` 0: there is no one to answer.
 */
export class ResponseHeadParser extends HeadReader<ResponseHead> {
  private version: HttpVersion | undefined;
  private status = 0;
  private reason = '';

  constructor(limits?: Partial<HeadLimits>) {
    super(limits, 0);
  }

  /** RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]. */
  protected startLine(
    bytes: Uint8Array,
    text: string,
    base: number,
    start: number,
    end: number,
  ): void {
    const version = end - start >= 12 ? readHttpVersion(bytes, start) : undefined;
    if (version === undefined || bytes[start + 8] !== SP) {
      this.badLine('HTTP/<digit>.<digit> then one space');
    }
    if (version.major !== 1) {
      this.fail(
        'LAPPS_ERR_BAD_VERSION',
        `the server answered with HTTP/${version.major}.${version.minor}`,
      );
    }
    let status = 0;
    for (let i = start + 9; i < start + 12; i++) {
      const digit = bytes[i]! - 0x30;
      if (digit < 0 || digit > 9) this.badLine('a 3-digit status code');
      status = status * 10 + digit;
    }
    if (status < 100 || status > 599) this.badLine('a status code from 100 to 599');
    let reasonStart = start + 12;
    if (reasonStart < end) {
      // Some servers omit the SP before an empty reason; when a reason is there, the SP is not optional.
      if (bytes[reasonStart] !== SP) this.badLine('one space after the status code');
      reasonStart++;
    }
    for (let i = reasonStart; i < end; i++) {
      const c = bytes[i]!;
      if ((c < 0x20 && c !== 0x09) || c === 0x7f)
        this.badLine('no control characters in the reason');
    }
    this.version = version;
    this.status = status;
    this.reason = text.slice(reasonStart - base, end - base);
  }

  protected complete(headers: HeaderMap, rest: Uint8Array): ResponseHead {
    return {
      version: this.version!,
      status: this.status,
      reason: this.reason,
      headers,
      rest,
    };
  }

  private badLine(expected: string): never {
    this.fail('LAPPS_ERR_BAD_STATUS_LINE', `malformed status line: expected ${expected}`);
  }
}
