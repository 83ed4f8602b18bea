/**
 * An iterative pre-scan of CBOR bytes that rejects nesting deeper than a limit before cbor-x (which
 * decodes recursively) sees them. Arrays, maps, tags and indefinite-length strings each count as
 * one level. Malformed input is left for cbor-x to report: the scan just stops.
 */
import { NljsonError } from './nljson-convert.js';

export function checkCborDepth(bytes: Uint8Array, maxDepth: number): void {
  /** Items still expected by each open container; -1 for indefinite length. */
  const open: number[] = [];
  let pos = 0;
  const enter = (count: number): void => {
    open.push(count);
    if (open.length > maxDepth) {
      throw new NljsonError(`nesting too deep (more than ${maxDepth} levels)`);
    }
  };
  const itemDone = (): void => {
    while (open.length > 0) {
      const last = open.length - 1;
      const left = open[last] as number;
      if (left < 0) return;
      if (left > 1) {
        open[last] = left - 1;
        return;
      }
      open.pop();
    }
  };
  while (pos < bytes.length) {
    const initial = bytes[pos++] as number;
    if (initial === 0xff) {
      if (open.length === 0 || open[open.length - 1] !== -1) return;
      open.pop();
      itemDone();
      continue;
    }
    const major = initial >> 5;
    const info = initial & 31;
    let arg = info;
    let indefinite = false;
    if (info === 24) arg = bytes[pos] ?? 0;
    else if (info === 25) arg = ((bytes[pos] ?? 0) << 8) | (bytes[pos + 1] ?? 0);
    else if (info === 26 || info === 27) {
      const size = info === 26 ? 4 : 8;
      arg = 0;
      for (let i = 0; i < size; i++) arg = arg * 256 + (bytes[pos + i] ?? 0);
    } else if (info === 31) indefinite = true;
    else if (info > 27) return;
    pos += info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    switch (major) {
      case 2:
      case 3:
        if (indefinite) enter(-1);
        else {
          pos += arg;
          itemDone();
        }
        break;
      case 4:
      case 5:
        if (indefinite) enter(-1);
        else if (arg === 0) itemDone();
        else enter(major === 5 ? arg * 2 : arg);
        break;
      case 6:
        enter(1);
        break;
      default:
        itemDone();
    }
  }
}
