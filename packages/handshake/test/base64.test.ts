import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64, isBase64Char } from '../src/base64.js';

describe('encodeBase64', () => {
  it('matches RFC 4648 section 10 test vectors', () => {
    const vectors = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    const inputs = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    inputs.forEach((input, i) => {
      expect(encodeBase64(new TextEncoder().encode(input))).toBe(vectors[i]);
    });
  });

  it('matches Buffer for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });

  it('knows the alphabet', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    for (let c = 0; c < 256; c++) {
      expect(isBase64Char(c)).toBe(alphabet.includes(String.fromCharCode(c)));
    }
  });
});
