import { describe, expect, it } from 'vitest';
import { isValidMethodName, methodNameProblem } from '../src/index.js';

describe('method names', () => {
  it.each(['echo', 'a', 'login', 'get-time', 'a_b', 'Ünïcode'])('%s is valid', (name) => {
    expect(isValidMethodName(name)).toBe(true);
    expect(methodNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'must not be empty'],
    ['a.b', 'must not contain "."'],
    ['.', 'must not contain "."'],
    ['_hidden', 'must not start with "_"'],
    [1, 'must be a string, got number'],
    [undefined, 'must be a string, got undefined'],
  ])('%j is invalid', (name, problem) => {
    expect(isValidMethodName(name)).toBe(false);
    expect(methodNameProblem(name)).toContain(problem);
  });
});
