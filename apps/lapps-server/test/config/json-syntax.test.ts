import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from '../../src/config/json-syntax.js';

describe('findJsonSyntaxError', () => {
  it('finds nothing wrong in valid JSON', () => {
    for (const text of [
      '{}',
      '[]',
      ' {"a": [1, -2.5e3, true, null, "x\\n\\u00e9"]} ',
      '"s"',
      '0',
    ]) {
      expect(findJsonSyntaxError(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, 'expected a key in double quotes, got "}"'],
    ['{\n  "a" 1\n}', 2, 7, `expected ':', got "1"`],
    ['{"a": 1 "b": 2}', 1, 9, `expected ',' or '}', got "\\""`],
    ['[1, 2', 1, 6, `expected ',' or ']', got the end of the file`],
    ['{"a": tru}', 1, 7, 'expected a value, got "t"'],
    ['{"a": "x', 1, 7, 'unterminated string'],
    ['{"a": "\\q"}', 1, 8, 'invalid escape in string'],
    ['{"a": 01}', 1, 8, `expected ',' or '}', got "1"`],
    ['{} {}', 1, 4, 'expected the end of the file, got "{"'],
    ['', 1, 1, 'expected a value, got the end of the file'],
  ])('places the error in %j', (text, line, column, message) => {
    expect(findJsonSyntaxError(text)).toEqual({ line, column, message });
  });

  it('agrees with JSON.parse on what is valid', () => {
    const samples = ['{"a":1}', '{"a":1,}', '[1,]', '[01]', '{"a":"\t"}', '1.', '-', '{"a":1}}'];
    for (const text of samples) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(findJsonSyntaxError(text) === undefined, text).toBe(valid);
    }
  });
});
