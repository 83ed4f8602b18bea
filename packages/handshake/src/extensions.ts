import { HandshakeError } from './errors.js';
import { isOws, isTchar, isToken } from './token.js';

/**
 * One offer from `Sec-WebSocket-Extensions`, e.g. `permessage-deflate; client_max_window_bits`.
 * Parameters without a value are `true`. A Map, so names like `__proto__` are plain keys.
 */
export interface ExtensionOffer {
  readonly name: string;
  readonly params: Map<string, string | true>;
}

/**
 * Parses `Sec-WebSocket-Extensions` values (RFC 6455 9.1) into offers, in order: the same name may
 * appear several times as alternative offers (permessage-deflate clients do that).
 *
 * Grammar: `1#extension`, `extension = token *( ";" param )`, `param = token [ "=" (token /
 * quoted-string) ]`, with OWS allowed around `,`, `;` and `=` (RFC 2616's implied LWS, which `ws`
 * and browsers also accept). A quoted value must be a token once unescaped (RFC 6455 9.1).
 * A parameter repeated within one offer is rejected, as `ws` does (RFC 7692 7 makes such a
 * permessage-deflate offer unacceptable). Returns `[]` when the header is absent; throws
 * LAPPS_ERR_BAD_EXTENSIONS (400, or `status` on the client side) for anything else malformed.
 * One linear pass, no regular expressions.
 */
export function parseExtensions(
  values: readonly string[] | undefined,
  status?: number,
): ExtensionOffer[] {
  const offers: ExtensionOffer[] = [];
  if (values === undefined) return offers;
  for (const value of values) new ExtensionScanner(value, status).readList(offers);
  if (offers.length === 0) throw bad('the header names no extension', status);
  return offers;
}

function bad(what: string, status: number | undefined): HandshakeError {
  return new HandshakeError('LAPPS_ERR_BAD_EXTENSIONS', `Sec-WebSocket-Extensions: ${what}`, {
    status,
  });
}

/** A cursor over one header value; each method consumes what it names. */
class ExtensionScanner {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly status: number | undefined,
  ) {}

  readList(offers: ExtensionOffer[]): void {
    const text = this.text;
    while (true) {
      // Empty list elements are allowed (RFC 9110 5.6.1).
      while (this.i < text.length && (isOws(this.code()) || this.code() === 0x2c)) this.i++;
      if (this.i === text.length) return;
      offers.push(this.readExtension());
    }
  }

  private readExtension(): ExtensionOffer {
    const name = this.readToken('an extension name');
    const params = new Map<string, string | true>();
    this.skipOws();
    while (this.code() === 0x3b) {
      this.i++;
      this.skipOws();
      const param = this.readToken('a parameter name');
      this.skipOws();
      let paramValue: string | true = true;
      if (this.code() === 0x3d) {
        this.i++;
        this.skipOws();
        paramValue = this.code() === 0x22 ? this.readQuoted() : this.readToken('a parameter value');
        this.skipOws();
      }
      if (params.has(param)) throw this.error(`parameter "${param}" repeated in "${name}"`);
      params.set(param, paramValue);
    }
    if (this.i < this.text.length && this.code() !== 0x2c) throw this.error('unexpected character');
    return { name, params };
  }

  private readToken(what: string): string {
    const start = this.i;
    while (this.i < this.text.length && isTchar(this.code())) this.i++;
    if (this.i === start) throw this.error(`expected ${what}`);
    return this.text.slice(start, this.i);
  }

  /** RFC 9110 5.6.4 quoted-string, unescaped; the result must be a token (RFC 6455 9.1). */
  private readQuoted(): string {
    const text = this.text;
    this.i++;
    let out = '';
    let start = this.i;
    while (true) {
      if (this.i >= text.length) throw this.error('unterminated quoted string');
      const c = this.code();
      if (c === 0x22) break;
      if (c === 0x5c) {
        out += text.slice(start, this.i);
        this.i++;
        if (this.i >= text.length) throw this.error('unterminated quoted string');
        start = this.i;
      }
      this.i++;
    }
    out += text.slice(start, this.i);
    this.i++;
    if (!isToken(out)) throw this.error('a quoted parameter value must be a token once unescaped');
    return out;
  }

  private skipOws(): void {
    while (this.i < this.text.length && isOws(this.code())) this.i++;
  }

  private code(): number {
    return this.text.charCodeAt(this.i);
  }

  private error(what: string): HandshakeError {
    return bad(`${what} at offset ${this.i}`, this.status);
  }
}
