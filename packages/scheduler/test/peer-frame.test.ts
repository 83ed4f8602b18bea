import { describe, expect, it } from 'vitest';
import {
  checkMaxPayload,
  checkPeerFrame,
  DEFAULT_MAX_PEER_PAYLOAD,
  encodePeerFrame,
  PEER_HEADER_SIZE,
  PeerFrameType,
} from '../src/peer-frame.js';

describe('peer frame header', () => {
  it('is 12 bytes: type, opcode, u16 code, u32 id, u32 length, little-endian', () => {
    const frame = encodePeerFrame(
      PeerFrameType.Close,
      0,
      0x03e9,
      0x0403_0201,
      new Uint8Array([0xaa, 0xbb]),
    );
    expect(PEER_HEADER_SIZE).toBe(12);
    expect([...frame]).toEqual([5, 0, 0xe9, 0x03, 1, 2, 3, 4, 2, 0, 0, 0, 0xaa, 0xbb]);
  });

  it('numbers the types 1 to 7 (0 is never valid)', () => {
    expect(Object.values(PeerFrameType)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('defaults the payload limit to 64 MiB', () => {
    expect(DEFAULT_MAX_PEER_PAYLOAD).toBe(64 * 1024 * 1024);
  });
});

describe('checkPeerFrame', () => {
  const cases: [string, Parameters<typeof checkPeerFrame>, string][] = [
    ['type 0', [0, 0, 0, 1, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['type 8', [8, 0, 0, 1, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['a Message with opcode 0', [PeerFrameType.Message, 0, 0, 1, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['a Send with opcode 8', [PeerFrameType.Send, 8, 0, 1, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['a Custom subtype of 256', [PeerFrameType.Custom, 256, 0, 1, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['a code of 65536', [PeerFrameType.Close, 0, 65536, 1, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['a negative id', [PeerFrameType.Open, 0, 0, -1, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['an id of 2^32', [PeerFrameType.Open, 0, 0, 2 ** 32, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    ['a fractional id', [PeerFrameType.Open, 0, 0, 1.5, 0, 100], 'LAPPS_ERR_PEER_FRAME'],
    [
      'a payload over the limit',
      [PeerFrameType.Send, 1, 0, 1, 101, 100],
      'LAPPS_ERR_PEER_FRAME_TOO_BIG',
    ],
  ];
  it.each(cases)('rejects %s', (_name, args, code) => {
    expect(() => checkPeerFrame(...args)).toThrow(expect.objectContaining({ code }));
  });

  it('accepts a payload of exactly the limit', () => {
    expect(() => checkPeerFrame(PeerFrameType.Send, 2, 0, 1, 100, 100)).not.toThrow();
  });

  it('rejects a limit that does not fit the u32 length field', () => {
    expect(() => checkMaxPayload(2 ** 32)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME' }),
    );
    expect(() => checkMaxPayload(-1)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME' }),
    );
    expect(checkMaxPayload(2 ** 32 - 1)).toBe(2 ** 32 - 1);
  });
});
