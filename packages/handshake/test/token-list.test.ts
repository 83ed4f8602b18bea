import { describe, expect, it } from 'vitest';
import { containsToken, equalsIgnoringCase } from '../src/token-list.js';

describe('containsToken', () => {
  it.each([
    [['upgrade'], true],
    [['Upgrade'], true],
    [['keep-alive, Upgrade'], true],
    [['keep-alive,UPGRADE'], true],
    [[' , ,upgrade,, '], true],
    [['keep-alive', 'upgrade'], true],
    [['\tupgrade\t'], true],
    [[], false],
    [[''], false],
    [['upgraded'], false],
    [['up grade'], false],
    [['keep-alive'], false],
    [['"upgrade"'], false],
    [['upgrade;q=1'], false],
  ])('%j contains upgrade: %s', (values, found) => {
    expect(containsToken(values, 'upgrade')).toBe(found);
  });

  it('is false for an absent header', () => {
    expect(containsToken(undefined, 'upgrade')).toBe(false);
  });

  it('scans a hostile value in linear time', () => {
    const hostile = `${' ,'.repeat(200_000)}x`;
    const start = performance.now();
    expect(containsToken([hostile], 'upgrade')).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe('equalsIgnoringCase', () => {
  it('folds ASCII only', () => {
    expect(equalsIgnoringCase('WebSocket', 'websocket')).toBe(true);
    expect(equalsIgnoringCase('websockets', 'websocket')).toBe(false);
    // U+212A KELVIN SIGN lower-cases to k in Unicode; it must not match here.
    expect(equalsIgnoringCase('\u212a', 'k')).toBe(false);
  });
});
