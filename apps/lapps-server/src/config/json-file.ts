import { readFileSync } from 'node:fs';
import type { ConfigProblem } from './errors.js';
import { findJsonSyntaxError } from './json-syntax.js';

export type JsonFile =
  | { kind: 'missing' }
  | { kind: 'parsed'; value: unknown }
  | { kind: 'invalid'; problem: ConfigProblem };

/** Reads and parses one config file; a missing file is not an error (every key has a default). */
export function readJsonFile(file: string): JsonFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    const reason = code === 'EISDIR' ? 'is a directory, expected a JSON file' : String(error);
    return { kind: 'invalid', problem: { file, path: '', message: `cannot read: ${reason}` } };
  }
  // Editors on Windows may save a byte order mark, which JSON.parse rejects.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { kind: 'parsed', value: JSON.parse(text) };
  } catch (error) {
    const syntax = findJsonSyntaxError(text);
    const message =
      syntax === undefined
        ? `invalid JSON: ${(error as Error).message}`
        : `invalid JSON at line ${syntax.line}, column ${syntax.column}: ${syntax.message}`;
    return { kind: 'invalid', problem: { file, path: '', message } };
  }
}
