import { describe, expect, it } from 'vitest';
import { closeFramePayload } from '../src/close-handshake.js';

const bytes = (payload: Uint8Array): number[] => [...payload];

describe('closeFramePayload (the arguments of close())', () => {
  it('sends no body without code and reason, and 1000 for a reason alone', () => {
    expect(bytes(closeFramePayload(undefined, undefined))).toEqual([]);
    expect(bytes(closeFramePayload(undefined, ''))).toEqual([]);
    expect(bytes(closeFramePayload(undefined, 'ok'))).toEqual([0x03, 0xe8, 0x6f, 0x6b]);
    expect(bytes(closeFramePayload(4999, ''))).toEqual([0x13, 0x87]);
  });

  it.each([999, 1001, 1006, 1011, 2999, 5000, 3000.5, Number.NaN])('refuses code %s', (code) => {
    expect(() => closeFramePayload(code, undefined)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_CWS_CLOSE_CODE' }),
    );
  });

  it('takes a reason of 123 UTF-8 bytes and refuses 124', () => {
    expect(closeFramePayload(1000, `${'é'.repeat(61)}x`).length).toBe(125);
    expect(() => closeFramePayload(1000, 'é'.repeat(62))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_CWS_CLOSE_REASON' }),
    );
  });
});
