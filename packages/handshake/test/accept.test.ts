import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptKey } from '../src/index.js';
import { RFC_ACCEPT, RFC_KEY } from './sample-heads.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function nodeAccept(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

describe('acceptKey', () => {
  it('gives the RFC 6455 section 1.3 example', () => {
    expect(acceptKey(RFC_KEY)).toBe(RFC_ACCEPT);
  });

  it('matches node:crypto (what ws uses) for random 16-byte keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const key = Buffer.from(raw).toString('base64');
        expect(acceptKey(key)).toBe(nodeAccept(key));
      }),
    );
  });

  it('matches node:crypto for any string, including non-ASCII 24-char ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (key) => {
        expect(acceptKey(key)).toBe(nodeAccept(key));
      }),
    );
    const unicode = 'é'.repeat(24);
    expect(acceptKey(unicode)).toBe(nodeAccept(unicode));
  });

  it('does not let one call leak into the next (shared input buffer)', () => {
    const other = 'AAAAAAAAAAAAAAAAAAAAAA==';
    expect(acceptKey(other)).toBe(nodeAccept(other));
    expect(acceptKey(RFC_KEY)).toBe(RFC_ACCEPT);
    expect(acceptKey('x')).toBe(nodeAccept('x'));
    expect(acceptKey(RFC_KEY)).toBe(RFC_ACCEPT);
  });
});
