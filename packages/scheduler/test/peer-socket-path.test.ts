import { describe, expect, it } from 'vitest';
import { checkSocketPath, MAX_SOCKET_PATH_BYTES, peerSocketPath } from '../src/peer-socket-path.js';

describe('peerSocketPath', () => {
  it('names the socket of a worker after its index', () => {
    expect(peerSocketPath('/run/lapps', 3)).toBe('/run/lapps/w3.sock');
    expect(peerSocketPath('/run/lapps/', 0)).toBe('/run/lapps/w0.sock');
  });

  it('accepts a path of exactly 107 bytes and rejects 108', () => {
    expect(MAX_SOCKET_PATH_BYTES).toBe(107);
    const dir = `/${'d'.repeat(107 - '/w1.sock'.length - 1)}`;
    expect(Buffer.byteLength(peerSocketPath(dir, 1))).toBe(107);
    expect(() => peerSocketPath(dir, 10)).toThrow(
      expect.objectContaining({
        code: 'LAPPS_ERR_PEER_PATH',
        message: expect.stringContaining('108 bytes'),
      }),
    );
  });

  it('counts bytes, not characters', () => {
    // 54 two-byte characters: 54 characters, 108 bytes.
    expect(() => checkSocketPath(`/${'é'.repeat(53)}x`)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_PATH' }),
    );
  });

  it('rejects a worker index that is not an integer >= 0', () => {
    expect(() => peerSocketPath('/tmp', -1)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_PATH' }),
    );
    expect(() => peerSocketPath('/tmp', 1.5)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_PATH' }),
    );
  });
});
