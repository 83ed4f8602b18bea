import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../src/config/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('max_connections', 'max_connections')).toBe(0);
    expect(editDistance('max_conections', 'max_connections')).toBe(1);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closestMatch', () => {
  const keys = ['port', 'ip', 'workers', 'listeners', 'tls'];

  it('suggests a close key', () => {
    expect(closestMatch('wrokers', keys)).toBe('workers');
    expect(closestMatch('Port', keys)).toBe('port');
  });

  it('suggests nothing for a word that is not close to any key', () => {
    expect(closestMatch('colour', keys)).toBeUndefined();
    expect(didYouMean('colour', keys)).toBe('');
  });

  it('words the suggestion', () => {
    expect(didYouMean('listener', keys)).toBe(' (did you mean "listeners"?)');
  });
});
