/**
 * Optional native masking through `bufferutil` (the addon `ws` uses: SIMD, ~30 GB/s against ~3 GB/s
 * for the JavaScript word loop). It is loaded only in Node, only when installed, and never when
 * `LAPPS_NO_BUFFERUTIL` is set; everything works without it.
 */
export interface NativeMasking {
  /** output[offset + i] = source[i] ^ mask[i & 3] for i < length */
  mask(
    source: Uint8Array,
    mask: Uint8Array,
    output: Uint8Array,
    offset: number,
    length: number,
  ): void;
  /** buffer[i] ^= mask[i & 3], in place */
  unmask(buffer: Uint8Array, mask: Uint8Array): void;
}

type NodeProcess = {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
};

function load(): NativeMasking | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc?.getBuiltinModule === undefined || proc.env?.LAPPS_NO_BUFFERUTIL) return undefined;
  try {
    const { createRequire } = proc.getBuiltinModule('node:module') as {
      createRequire: (from: string) => (id: string) => unknown;
    };
    const addon = createRequire(import.meta.url)('bufferutil') as Partial<NativeMasking>;
    if (typeof addon.mask === 'function' && typeof addon.unmask === 'function') {
      return addon as NativeMasking;
    }
  } catch {
    // Not installed or not built for this platform: the JavaScript path is used.
  }
  return undefined;
}

export const nativeMasking: NativeMasking | undefined = load();
