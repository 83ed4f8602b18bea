/** How error messages name the values they reject. */

/** A short name of a value's type: "null", "array", "byte string", "string", ... */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'byte string';
  return typeof value;
}

/** A scalar as written (strings quoted); anything else by its type name. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return describe(value);
}
