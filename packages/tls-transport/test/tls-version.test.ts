import { describe, expect, it } from 'vitest';
import { TransportError, tlsMinVersion } from '../src/index.js';

describe('tlsMinVersion', () => {
  it('maps LAppS 3 to TLS 1.2 and 4 to TLS 1.3', () => {
    expect(tlsMinVersion(3)).toBe('TLSv1.2');
    expect(tlsMinVersion(4)).toBe('TLSv1.3');
  });

  it.each([0, 1, 2, 5, 3.5, Number.NaN, '3' as unknown as number])('rejects %s', (value) => {
    expect(() => tlsMinVersion(value)).toThrow(TransportError);
    expect(() => tlsMinVersion(value)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_BAD_TLS_VERSION' }),
    );
  });
});
