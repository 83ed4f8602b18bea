import { HeadReader } from './head-reader.js';
import type { HeaderMap } from './header-block.js';
import { type HttpVersion, readHttpVersion } from './http-version.js';
import type { HeadLimits } from './limits.js';
import { TCHAR } from './token.js';

/** A parsed HTTP/1.x request head. */
export interface RequestHead {
  /** As sent (methods are case-sensitive, RFC 9110 9.1). */
  readonly method: string;
  /** The request-target as sent, e.g. `/chat?room=1`. */
  readonly target: string;
  readonly version: HttpVersion;
  /** Lower-cased names; a repeated name keeps every value in order. */
  readonly headers: HeaderMap;
  /** The bytes after the head (a client may send its first frame right away); a copy. */
  readonly rest: Uint8Array;
}

const SP = 0x20;

/**
 * Incremental parser of an HTTP/1.1 request head (RFC 9112 3 and 5).
 *
 * @example
 * const parser = new RequestHeadParser({ maxHeadBytes: 4096 });
 * socket.on('data', (chunk) => {
 *   const request = parser.push(chunk); // throws HandshakeError
 *   if (request !== undefined) handle(request);
 * });
 */
export class RequestHeadParser extends HeadReader<RequestHead> {
  private method = '';
  private target = '';
  private version: HttpVersion | undefined;

  constructor(limits?: Partial<HeadLimits>) {
    super(limits, undefined);
  }

  /** RFC 9112 3: request-line = method SP request-target SP HTTP-version, single spaces. */
  protected startLine(
    bytes: Uint8Array,
    text: string,
    base: number,
    start: number,
    end: number,
  ): void {
    let i = start;
    while (i < end && TCHAR[bytes[i]!] !== 0) i++;
    if (i === start || i === end || bytes[i] !== SP) this.badLine('a method token then one space');
    // GET is nearly every request: skip building the string.
    this.method =
      i - start === 3 &&
      bytes[start] === 0x47 &&
      bytes[start + 1] === 0x45 &&
      bytes[start + 2] === 0x54
        ? 'GET'
        : text.slice(start - base, i - base);

    const targetStart = ++i;
    // The target is a URI (RFC 3986: ASCII only); anything outside VCHAR is rejected, which also
    // keeps control chars and obs-text out of routing.
    while (i < end && bytes[i]! > 0x20 && bytes[i]! < 0x7f) i++;
    if (i === targetStart || i === end || bytes[i] !== SP) {
      this.badLine('a request-target of visible ASCII then one space');
    }
    this.target = text.slice(targetStart - base, i - base);

    i++;
    const version = end - i === 8 ? readHttpVersion(bytes, i) : undefined;
    if (version === undefined) this.badLine('HTTP/<digit>.<digit> at the end');
    if (version.major !== 1) {
      // 505: the syntax is fine, the major version is not ours (HTTP/2's preface "PRI * HTTP/2.0"
      // lands here).
      this.fail(
        'LAPPS_ERR_BAD_VERSION',
        `HTTP/${version.major}.${version.minor} is not supported: only HTTP/1.x`,
      );
    }
    this.version = version;
  }

  protected complete(headers: HeaderMap, rest: Uint8Array): RequestHead {
    return {
      method: this.method,
      target: this.target,
      version: this.version!,
      headers,
      rest,
    };
  }

  private badLine(expected: string): never {
    this.fail('LAPPS_ERR_BAD_REQUEST_LINE', `malformed request line: expected ${expected}`);
  }
}
