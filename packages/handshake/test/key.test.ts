import { describe, expect, it } from 'vitest';
import { generateKey, isValidKey } from '../src/index.js';
import { RFC_KEY } from './sample-heads.js';

describe('isValidKey', () => {
  it.each([
    RFC_KEY,
    'AAAAAAAAAAAAAAAAAAAAAA==',
    '+/+/+/+/+/+/+/+/+/+/+w==',
    'zzzzzzzzzzzzzzzzzzzzzz==',
  ])('accepts %s', (key) => {
    expect(isValidKey(key)).toBe(true);
  });

  it.each([
    '',
    'AAAAAAAAAAAAAAAAAAAAAAA=',
    'AAAAAAAAAAAAAAAAAAAAAAAA',
    'AAAAAAAAAAAAAAAAAAAAA===',
    'AAAAAAAAAAAAAAAAAAAAAA=',
    'AAAAAAAAAAAAAAAAAAAAAA===',
    'AAAAAAAAAAAAAAAAAAAA-_==',
    'AAAAAAAAAAAAAAAAAAAA A==',
    'AAAAAAAAAAAAAAAAAAAAéA==',
    ' AAAAAAAAAAAAAAAAAAAAA==',
  ])('rejects %j', (key) => {
    expect(isValidKey(key)).toBe(false);
  });
});

describe('generateKey', () => {
  it('gives valid, canonical, distinct keys', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const key = generateKey();
      expect(isValidKey(key)).toBe(true);
      expect(Buffer.from(key, 'base64').length).toBe(16);
      expect(Buffer.from(key, 'base64').toString('base64')).toBe(key);
      keys.add(key);
    }
    expect(keys.size).toBe(200);
  });
});
