/**
 * A message's envelope straight from its CBOR bytes, without decoding the contents: the checks of
 * a server message look only at the top-level members and at the members of `error`, and at
 * nothing inside `result`, `message` or `data`; the checks of a client message only at `lapps`,
 * `method`, `cid` and whether `params` is a non-empty array. Reading only that much keeps the
 * checks cheap whatever the message's size: a response written by the Lua bridge is checked
 * before it is sent, and a request is checked before the bridge builds its Lua value from the
 * same bytes.
 *
 * The view: the top-level map as an object holding the members the checks read (`cid`, `status`,
 * `result`, `message`, `error`, `lapps`, `method`, `params`, and `code`, `data` inside `error`;
 * other keys are read past), with scalars decoded (numbers, strings, booleans, null); an array
 * member is {@link ARRAY} or {@link EMPTY_ARRAY}, a map member at depth 2 or deeper is
 * {@link MAP} except that the top level's maps are read one level further (for `error`).
 * Checks must therefore ask only for types (`Array.isArray`, `typeof`) and array emptiness below
 * the top level's maps, never for contents: that is what `serverMessageProblem`,
 * `broadcastProblem` and `classifyInbound` do.
 */

/**
 * Stands for any non-empty array below the envelope: checks may ask whether it is an array and
 * whether it is empty (`params` decides a request's type), nothing more.
 */
export const ARRAY: readonly unknown[] = Object.freeze([undefined]);
/** Stands for an empty array below the envelope. */
export const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);
/** Stands for any byte string in the envelope (checks only ask for its type). */
const BYTES = new Uint8Array(0);
/** Stands for any map below the envelope. */
export const MAP: Readonly<Record<string, unknown>> = Object.freeze({});

/** Bytes that are not CBOR; `limit` when they nest deeper than allowed. */
export class EnvelopeError extends Error {
  constructor(
    message: string,
    readonly limit = false,
  ) {
    super(message);
  }
}

/**
 * The members the checks read: those of `outbound.ts`, at the top level and inside `error`, and
 * those of `inbound.ts`.
 */
const MEMBERS = [
  'cid',
  'status',
  'result',
  'message',
  'error',
  'code',
  'data',
  'lapps',
  'method',
  'params',
] as const;
type MemberName = (typeof MEMBERS)[number];
const MEMBER_NAMES: ReadonlySet<string> = new Set(MEMBERS);
/** The member names by their first byte (each list tried in order; names are ASCII). */
const MEMBERS_BY_FIRST: Array<MemberName[]> = [];
for (const name of MEMBERS) {
  const first = name.charCodeAt(0);
  MEMBERS_BY_FIRST[first] ??= [];
  MEMBERS_BY_FIRST[first]?.push(name);
}

/**
 * A map of the envelope: only the members the checks read, in one fixed shape (no dictionary
 * object per message). Other keys are read past.
 */
class Envelope {
  cid: unknown = undefined;
  status: unknown = undefined;
  result: unknown = undefined;
  message: unknown = undefined;
  error: unknown = undefined;
  code: unknown = undefined;
  data: unknown = undefined;
  lapps: unknown = undefined;
  method: unknown = undefined;
  params: unknown = undefined;
}

const text = new TextDecoder('utf-8', { fatal: true });

/** Reads a CBOR message's envelope; throws an Error with a reason when the bytes are not CBOR. */
export function readEnvelope(bytes: Uint8Array, maxDepth: number): unknown {
  const reader = new Reader(bytes, maxDepth);
  const value = reader.value(2);
  if (reader.pos !== bytes.length) throw new EnvelopeError('extra bytes after the message');
  return value;
}

class Reader {
  pos = 0;
  /** Made only for floats and 64-bit arguments, which envelopes rarely hold. */
  private dataView: DataView | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {}

  private get view(): DataView {
    this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.dataView;
  }

  private byte(): number {
    if (this.pos >= this.bytes.length) throw new EnvelopeError('unexpected end of CBOR');
    return this.bytes[this.pos++] as number;
  }

  /** The argument of a head with additional information `info`; -1 for indefinite length. */
  private argument(info: number): number {
    if (info < 24) return info;
    const { pos } = this;
    const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (info === 31) return -1;
    if (size === 0) throw new EnvelopeError(`reserved additional information ${info}`);
    if (pos + size > this.bytes.length) throw new EnvelopeError('unexpected end of CBOR');
    this.pos += size;
    const b = this.bytes;
    if (size === 1) return b[pos] as number;
    if (size === 2) return ((b[pos] as number) << 8) | (b[pos + 1] as number);
    if (size === 4) {
      return (
        (b[pos] as number) * 0x1000000 +
        (((b[pos + 1] as number) << 16) | ((b[pos + 2] as number) << 8) | (b[pos + 3] as number))
      );
    }
    return Number(this.view.getBigUint64(pos));
  }

  /** The initial byte of an item at `depth`, after the checks every item gets. */
  private head(depth: number): number {
    if (depth > this.maxDepth) {
      throw new EnvelopeError(`nesting deeper than ${this.maxDepth}`, true);
    }
    const initial = this.byte();
    const major = initial >> 5;
    if ((initial & 0x1f) === 31 && (major <= 1 || major === 6)) {
      throw new EnvelopeError('bad indefinite length');
    }
    return initial;
  }

  /** Reads one item; `levels` says how many levels of maps to materialise. */
  value(levels: number, depth = 0): unknown {
    const initial = this.head(depth);
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1:
        return -1 - this.argument(info);
      case 2:
        this.skipString(info, 2);
        return BYTES;
      case 3:
        return this.text(info);
      case 4: {
        const count = this.argument(info);
        if (count === 0 || (count < 0 && this.peek() === 0xff)) {
          this.skipItems(count, 1, depth);
          return EMPTY_ARRAY;
        }
        this.skipItems(count, 1, depth);
        return ARRAY;
      }
      case 5: {
        const count = this.argument(info);
        if (levels <= 0) {
          this.skipItems(count, 2, depth);
          return MAP;
        }
        const map = new Envelope();
        for (let i = 0; count < 0 ? this.peek() !== 0xff : i < count; i++) {
          const key = this.memberName(depth + 1);
          if (key === undefined) {
            this.skip(depth + 1);
            continue;
          }
          map[key] = this.value(levels - 1, depth + 1);
        }
        if (count < 0) this.pos++;
        return map;
      }
      case 6:
        this.argument(info);
        return this.value(levels, depth + 1);
      default:
        return this.simple(info);
    }
  }

  /**
   * Reads a map key: the name of a member the checks read, or undefined for any other key (read
   * past, no string made).
   */
  private memberName(depth: number): MemberName | undefined {
    const initial = this.peek();
    const info = initial & 0x1f;
    if (initial >> 5 !== 3 || info === 31) {
      // Not a definite-length text: read it whole (rare), keep it only if it names a member.
      const key = this.value(0, depth);
      return typeof key === 'string' && MEMBER_NAMES.has(key) ? (key as MemberName) : undefined;
    }
    this.pos++;
    const length = this.argument(info);
    const start = this.pos;
    if (start + length > this.bytes.length) throw new EnvelopeError('unexpected end of CBOR');
    this.pos += length;
    const candidates = length === 0 ? undefined : MEMBERS_BY_FIRST[this.bytes[start] as number];
    if (candidates === undefined) return undefined;
    for (let c = 0; c < candidates.length; c++) {
      const name = candidates[c] as MemberName;
      if (name.length === length && sameText(name, this.bytes, start, length)) return name;
    }
    return undefined;
  }

  private peek(): number {
    if (this.pos >= this.bytes.length) throw new EnvelopeError('unexpected end of CBOR');
    return this.bytes[this.pos] as number;
  }

  private text(info: number): string {
    const length = this.argument(info);
    if (length < 0) {
      let result = '';
      while (this.peek() !== 0xff) {
        const chunk = this.byte();
        if (chunk >> 5 !== 3) throw new EnvelopeError('bad chunk in an indefinite text string');
        result += this.text(chunk & 0x1f);
      }
      this.pos++;
      return result;
    }
    if (this.pos + length > this.bytes.length) throw new EnvelopeError('unexpected end of CBOR');
    const start = this.pos;
    this.pos += length;
    if (length <= 32) {
      // Short strings (method names, error messages) repeat: a cache found by a hash of the
      // bytes, checked char by char; ASCII by hand (a TextDecoder call costs more than this).
      const b = this.bytes;
      let hash = 0x811c9dc5;
      let ascii = true;
      for (let i = start; i < this.pos; i++) {
        const c = b[i] as number;
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        hash = Math.imul(hash ^ c, 0x01000193);
      }
      if (ascii) {
        const cached = shortTexts.get(hash);
        if (cached !== undefined && sameText(cached, b, start, length)) return cached;
        const made = String.fromCharCode.apply(null, b.subarray(start, this.pos) as never);
        if (cached === undefined && shortTexts.size < MAX_SHORT_TEXTS) shortTexts.set(hash, made);
        return made;
      }
    }
    try {
      return text.decode(this.bytes.subarray(start, this.pos));
    } catch {
      throw new EnvelopeError('a text string is not valid UTF-8');
    }
  }

  private skipString(info: number, major: number): void {
    const length = this.argument(info);
    if (length < 0) {
      while (this.peek() !== 0xff) {
        const chunk = this.byte();
        if (chunk >> 5 !== major) throw new EnvelopeError('bad chunk in an indefinite string');
        this.skipString(chunk & 0x1f, major);
      }
      this.pos++;
      return;
    }
    if (this.pos + length > this.bytes.length) throw new EnvelopeError('unexpected end of CBOR');
    this.pos += length;
  }

  /** Skips `count` entries of `per` items each (-1: until the break byte). */
  private skipItems(count: number, per: number, depth: number): void {
    if (count < 0) {
      while (this.peek() !== 0xff) for (let j = 0; j < per; j++) this.skip(depth + 1);
      this.pos++;
      return;
    }
    for (let i = 0; i < count; i++) for (let j = 0; j < per; j++) this.skip(depth + 1);
  }

  /**
   * Steps over one item below the envelope, checking its structure but building nothing: text is
   * not decoded (its UTF-8 is the encoder's business; the Lua bridge writes only valid UTF-8 as
   * text), which keeps the check of a response with big strings in it cheap.
   */
  private skip(depth: number): void {
    const initial = this.head(depth);
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
      case 1:
        this.argument(info);
        return;
      case 2:
      case 3:
        this.skipString(info, major);
        return;
      case 4:
        this.skipItems(this.argument(info), 1, depth);
        return;
      case 5:
        this.skipItems(this.argument(info), 2, depth);
        return;
      case 6:
        this.argument(info);
        this.skip(depth + 1);
        return;
      default:
        this.simple(info);
    }
  }

  private simple(info: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
      case 23:
        return null;
      case 25: {
        const bits = this.argument(25);
        return halfFloat(bits);
      }
      case 26: {
        const at = this.pos;
        this.argument(26);
        return this.view.getFloat32(at);
      }
      case 27: {
        const at = this.pos;
        if (at + 8 > this.bytes.length) throw new EnvelopeError('unexpected end of CBOR');
        this.pos += 8;
        return this.view.getFloat64(at);
      }
      case 31:
        throw new EnvelopeError('unexpected break');
      default:
        if (info === 24) this.byte();
        return undefined;
    }
  }
}

/** Short ASCII strings already made, by the FNV-1a hash of their bytes; bounded. */
const shortTexts = new Map<number, string>();
const MAX_SHORT_TEXTS = 512;

function sameText(text: string, bytes: Uint8Array, start: number, length: number): boolean {
  if (text.length !== length) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

function halfFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
