/**
 * A message's envelope straight from its CBOR bytes, without decoding the contents: the checks of
 * a server message look only at the top-level members and at the members of `error`, and at
 * nothing inside `result`, `message` or `data`. Reading only that much keeps the check of a
 * response (written by the Lua bridge, checked before it is sent) cheap whatever its size.
 *
 * The view: the top-level map as a plain object whose scalar members are decoded (numbers,
 * strings, booleans, null); an array member is {@link ARRAY}, a map member at depth 2 or deeper
 * is {@link MAP} except that the top level's maps are read one level further (for `error`).
 * Checks must therefore ask only for types (`Array.isArray`, `typeof`) below the top level's
 * maps, never for contents: that is what `serverMessageProblem` and `broadcastProblem` do.
 */

/** Stands for any array below the envelope: checks may ask whether it is an array, nothing more. */
export const ARRAY: readonly unknown[] = Object.freeze([]);
/** Stands for any map below the envelope. */
export const MAP: Readonly<Record<string, unknown>> = Object.freeze({});

class EnvelopeError extends Error {}

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

  /** Reads one item; `levels` says how many levels of maps to materialise. */
  value(levels: number, depth = 0): unknown {
    if (depth > this.maxDepth) throw new EnvelopeError(`nesting deeper than ${this.maxDepth}`);
    const initial = this.byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1:
        return -1 - this.argument(info);
      case 2:
        this.skipString(info, 2);
        return new Uint8Array(0);
      case 3:
        return this.text(info);
      case 4:
        this.skipItems(this.argument(info), 1, depth);
        return ARRAY;
      case 5: {
        const count = this.argument(info);
        if (levels <= 0) {
          this.skipItems(count, 2, depth);
          return MAP;
        }
        const map: Record<string, unknown> = Object.create(null);
        for (let i = 0; count < 0 ? this.peek() !== 0xff : i < count; i++) {
          const key = this.value(0, depth + 1);
          const member = this.value(levels - 1, depth + 1);
          if (typeof key === 'string') map[key] = member;
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
      // Keys and short strings: ASCII by hand (a TextDecoder call costs more than the message).
      let ascii = true;
      for (let i = start; i < this.pos; i++) {
        if ((this.bytes[i] as number) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        return String.fromCharCode.apply(null, this.bytes.subarray(start, this.pos) as never);
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
      while (this.peek() !== 0xff) for (let j = 0; j < per; j++) this.value(0, depth + 1);
      this.pos++;
      return;
    }
    for (let i = 0; i < count; i++) for (let j = 0; j < per; j++) this.value(0, depth + 1);
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

function halfFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
