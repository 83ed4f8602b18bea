import type { ErrorObject } from 'ajv';
import type { ConfigProblem } from './errors.js';
import { didYouMean } from './suggest.js';

/**
 * Turns Ajv's errors into problems a person can act on: the key path as written in the file
 * (`services.echo.acl.exclude[1]`), and a message built from the schema (`expected an integer >= 1,
 * got "two"`) rather than Ajv's own wording. Ajv reports several errors for one bad value (a type
 * and each branch of an `anyOf`); they become one problem per value.
 * Needs Ajv's `verbose` option, which puts the failing value and its schema on each error.
 */
export function schemaProblems(
  file: string,
  errors: ErrorObject[],
  root: unknown,
): ConfigProblem[] {
  const problems = new Map<string, ConfigProblem>();
  const outermost = new Map<string, ErrorObject>();

  for (const error of errors) {
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params['additionalProperty']);
      const known = Object.keys(asRecord(error.parentSchema?.['properties']));
      problems.set(`${error.instancePath}\0${key}`, {
        file,
        path: keyPath(root, error.instancePath, key),
        message: `unknown key "${key}"${didYouMean(key, known)}`,
      });
      continue;
    }
    // Of the errors for one value, the one nearest the schema root describes it as a whole.
    const seen = outermost.get(error.instancePath);
    if (seen === undefined || error.schemaPath.length < seen.schemaPath.length) {
      outermost.set(error.instancePath, error);
      problems.set(error.instancePath, {
        file,
        path: keyPath(root, error.instancePath),
        message: `expected ${expectation(asRecord(error.parentSchema))}, got ${show(error.data)}`,
      });
    }
  }
  return [...problems.values()];
}

/** `/services/echo/acl/exclude/0` → `services.echo.acl.exclude[0]`, looking at the data for arrays. */
function keyPath(root: unknown, pointer: string, extraKey?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  if (extraKey !== undefined) segments.push(extraKey);
  let path = '';
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      path += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      path += path === '' ? segment : `.${segment}`;
      node = typeof node === 'object' && node !== null ? asRecord(node)[segment] : undefined;
    }
  }
  return path;
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** What a schema accepts, in words: `an integer from 0 to 65535`, `"raw" or "LAppS"`. */
export function expectation(schema: Record<string, unknown>): string {
  if (typeof schema['description'] === 'string') return schema['description'];
  if (Array.isArray(schema['anyOf'])) {
    return schema['anyOf'].map((branch) => expectation(asRecord(branch))).join(' or ');
  }
  if ('const' in schema) return JSON.stringify(schema['const']);
  if (Array.isArray(schema['enum']))
    return anyOfWords(schema['enum'].map((v) => JSON.stringify(v)));
  const types: unknown[] = Array.isArray(schema['type']) ? schema['type'] : [schema['type']];
  return types.map((type) => describeType(String(type), schema)).join(' or ');
}

function describeType(type: string, schema: Record<string, unknown>): string {
  const minimum = schema['minimum'];
  const maximum = schema['maximum'];
  switch (type) {
    case 'integer':
    case 'number': {
      const noun = type === 'integer' ? 'an integer' : 'a number';
      if (typeof minimum === 'number' && typeof maximum === 'number') {
        return `${noun} from ${minimum} to ${maximum}`;
      }
      if (typeof minimum === 'number') return `${noun} >= ${minimum}`;
      return noun;
    }
    case 'string':
      return schema['minLength'] === 1 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array': {
      const items = asRecord(schema['items']);
      return items['type'] === 'string' ? 'an array of strings' : 'an array';
    }
    case 'object':
      return 'an object';
    case 'null':
      return 'null';
    default:
      return type;
  }
}

function anyOfWords(words: string[]): string {
  if (words.length <= 2) return words.join(' or ');
  return `one of ${words.join(', ')}`;
}

/** A found value, short: strings quoted, containers by kind. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  return String(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
