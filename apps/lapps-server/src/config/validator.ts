import { Ajv, type ValidateFunction } from 'ajv';
import { isAclEntry, isIpAddress } from './address-syntax.js';
import type { ConfigProblem } from './errors.js';
import { lappsSchema, wsSchema } from './schema.js';
import { schemaProblems } from './schema-problems.js';

export type ConfigKind = 'ws' | 'lapps';

let validators: Record<ConfigKind, ValidateFunction> | undefined;

function compile(): Record<ConfigKind, ValidateFunction> {
  const ajv = new Ajv({
    allErrors: true, // every problem in one run, not the first
    useDefaults: true, // the schema's defaults fill missing keys in place
    verbose: true, // errors carry the value and the schema: schema-problems.ts words them
    allowUnionTypes: true, // `preload` may be an array or null
    strict: true,
  });
  ajv.addFormat('acl-entry', isAclEntry);
  ajv.addFormat('ip-address', isIpAddress);
  return { ws: ajv.compile(wsSchema), lapps: ajv.compile(lappsSchema) };
}

/**
 * Checks one parsed file against its schema and fills in the defaults. `data` is changed in place:
 * afterwards every key with a default is present (where the types allowed Ajv to get there).
 */
export function validateShape(kind: ConfigKind, file: string, data: unknown): ConfigProblem[] {
  validators ??= compile();
  const validate = validators[kind];
  if (validate(data)) return [];
  return schemaProblems(file, validate.errors ?? [], data);
}
