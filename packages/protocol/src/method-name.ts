import { describe } from './describe-value.js';

/**
 * LAppS method names: a non-empty string, without `.` (the original reserves it, as JSON-RPC
 * reserves `rpc.`) and not starting with `_` (reserved for the server).
 */

/** Why `method` is not a valid method name, or `undefined` when it is. */
export function methodNameProblem(method: unknown): string | undefined {
  if (typeof method !== 'string') return `method must be a string, got ${describe(method)}`;
  if (method.length === 0) return 'method must not be empty';
  if (method.includes('.')) return 'method must not contain "."';
  if (method.startsWith('_')) return 'method must not start with "_" (reserved)';
  return undefined;
}

/** Whether `method` is a valid LAppS method name. */
export function isValidMethodName(method: unknown): method is string {
  return methodNameProblem(method) === undefined;
}
