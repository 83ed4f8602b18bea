/**
 * An iterative pre-scan of CBOR bytes (RFC 8949 section 3) that rejects nesting deeper than a
 * limit before cbor-x sees them: cbor-x decodes recursively, so a few kilobytes of `0x81 0x81 ...`
 * would otherwise overflow the stack. Arrays, maps, tags and indefinite-length strings each count
 * as one level. Malformed input is left for cbor-x to report: the scan just stops.
 */
import { ProtocolError } from './errors.js';

/** CBOR major types (the top three bits of the initial byte). */
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
/** Additional information 24..27: the argument follows in 1, 2, 4 or 8 bytes; 31: indefinite. */
const ARGUMENT_BYTES = [1, 2, 4, 8] as const;
const INFO_INDEFINITE = 31;
const BREAK = 0xff;
/** Marks an open indefinite-length container, which only a BREAK closes. */
const INDEFINITE = -1;

export function checkCborDepth(bytes: Uint8Array, maxDepth: number): void {
  /** Items still expected by each open container, or INDEFINITE. */
  const open: number[] = [];
  let pos = 0;
  const enter = (count: number): void => {
    open.push(count);
    if (open.length > maxDepth) {
      throw new ProtocolError(
        'LAPPS_ERR_PROTO_LIMIT',
        `message nests deeper than ${maxDepth} levels`,
      );
    }
  };
  const itemDone = (): void => {
    while (open.length > 0) {
      const last = open.length - 1;
      const left = open[last]!;
      if (left === INDEFINITE) return;
      if (left > 1) {
        open[last] = left - 1;
        return;
      }
      open.pop();
    }
  };
  while (pos < bytes.length) {
    const initial = bytes[pos++]!;
    if (initial === BREAK) {
      if (open.length === 0 || open[open.length - 1] !== INDEFINITE) return;
      open.pop();
      itemDone();
      continue;
    }
    const major = initial >> 5;
    const info = initial & 0x1f;
    let argument = info;
    if (info >= 24 && info <= 27) {
      const size = ARGUMENT_BYTES[info - 24]!;
      argument = 0;
      for (let i = 0; i < size; i++) argument = argument * 256 + (bytes[pos + i] ?? 0);
      pos += size;
    } else if (info > 27 && info !== INFO_INDEFINITE) {
      return;
    }
    const indefinite = info === INFO_INDEFINITE;
    switch (major) {
      case MAJOR_BYTES:
      case MAJOR_TEXT:
        if (indefinite) enter(INDEFINITE);
        else {
          pos += argument;
          itemDone();
        }
        break;
      case MAJOR_ARRAY:
      case MAJOR_MAP:
        if (indefinite) enter(INDEFINITE);
        else if (argument === 0) itemDone();
        else enter(major === MAJOR_MAP ? argument * 2 : argument);
        break;
      case MAJOR_TAG:
        enter(1);
        break;
      default:
        itemDone();
    }
  }
}
