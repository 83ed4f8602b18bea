import { describe, expect, it } from 'vitest';
import { decodePeerOpen, encodePeerOpen } from '../src/peer-open.js';

describe('Open payload', () => {
  it('round-trips service and remote address as UTF-8 JSON', () => {
    const open = { service: 'échø', remoteAddress: '::ffff:10.0.0.1' };
    const payload = encodePeerOpen(open);
    expect(new TextDecoder().decode(payload)).toBe(JSON.stringify(open));
    expect(decodePeerOpen(payload)).toEqual(open);
  });

  it.each([
    ['not JSON', 'service=echo'],
    ['a field missing', '{"service":"echo"}'],
    ['a field of the wrong type', '{"service":1,"remoteAddress":"x"}'],
    ['null', 'null'],
  ])('rejects %s', (_name, text) => {
    expect(() => decodePeerOpen(new TextEncoder().encode(text))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME' }),
    );
  });

  it('rejects invalid UTF-8', () => {
    expect(() => decodePeerOpen(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME' }),
    );
  });
});
