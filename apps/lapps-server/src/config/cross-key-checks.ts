import type { ConfigProblem } from './errors.js';
import { show } from './schema-problems.js';
import { didYouMean } from './suggest.js';

/**
 * The rules that span several keys or services, which the JSON Schemas do not express: TLS needs a
 * certificate, a network service needs a unique request target, `depends` must name services and
 * must not loop. They run on the data after the defaults are filled in, and look at the types
 * themselves, because they also run when the schema check found problems (all problems are
 * reported at once).
 */

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/** `tls: true` needs `tls_certificates.cert` and `.key`. */
export function checkWs(file: string, ws: unknown): ConfigProblem[] {
  const root = asObject(ws);
  if (root?.['tls'] !== true) return [];
  const certificates = asObject(root['tls_certificates']);
  if (certificates === undefined) return []; // the schema reports the wrong type
  const problems: ConfigProblem[] = [];
  for (const key of ['cert', 'key'] as const) {
    const value = certificates[key];
    if (value === '' || value === undefined) {
      problems.push({
        file,
        path: `tls_certificates.${key}`,
        message: `expected the path of a PEM file (required when tls is true), got ${show(value)}`,
      });
    }
  }
  return problems;
}

/**
 * Service names become folder and file names (`<applications>/<name>/<name>.lua`), so they are
 * kept to letters, digits, `_` and `-`.
 */
const SERVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** Service names, request targets and the `depends` graph. */
export function checkServices(
  file: string,
  lapps: unknown,
  notes: string[],
  label: string,
): ConfigProblem[] {
  const services = asObject(asObject(lapps)?.['services']);
  if (services === undefined) return [];
  const problems: ConfigProblem[] = [];
  const names = Object.keys(services);
  const targets = new Map<string, string>();
  const edges = new Map<string, string[]>();

  for (const [name, value] of Object.entries(services)) {
    const service = asObject(value);
    if (service === undefined) continue; // the schema reports the wrong type
    if (!SERVICE_NAME.test(name)) {
      problems.push({
        file,
        path: `services.${name}`,
        message: `expected a service name of letters, digits, "_" and "-", got ${show(name)}`,
      });
    }

    const target = service['request_target'];
    if (service['standalone'] === false) {
      if (target === undefined) {
        problems.push({
          file,
          path: `services.${name}.request_target`,
          message:
            'expected a string starting with "/" (required unless standalone is true), got nothing',
        });
      } else if (typeof target === 'string') {
        const owner = targets.get(target);
        if (owner === undefined) {
          targets.set(target, name);
        } else {
          problems.push({
            file,
            path: `services.${name}.request_target`,
            message: `expected a request_target no other service uses, got ${show(target)} (also used by service "${owner}")`,
          });
        }
      }
    }

    const depends = service['depends'];
    if (!Array.isArray(depends)) continue;
    const valid: string[] = [];
    depends.forEach((dependency: unknown, index) => {
      if (typeof dependency !== 'string') return; // the schema reports it
      if (dependency === name) {
        // LAppS 0.9 skips a service that lists itself; so do we, with a note.
        notes.push(`${label}: services.${name}.depends lists the service itself, ignored`);
      } else if (!(dependency in services)) {
        problems.push({
          file,
          path: `services.${name}.depends[${index}]`,
          message: `expected the name of a service in this file, got ${show(dependency)}${didYouMean(dependency, names)}`,
        });
      } else {
        valid.push(dependency);
      }
    });
    edges.set(name, valid);
  }

  for (const cycle of findCycles(edges)) {
    problems.push({
      file,
      path: `services.${cycle[0]}.depends`,
      message: `expected no dependency cycle, got ${cycle.join(' -> ')}`,
    });
  }
  return problems;
}

/** Each cycle once, as `[a, b, a]`, starting at its first service in file order. */
function findCycles(edges: Map<string, string[]>): string[][] {
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  const visit = (name: string): void => {
    stack.push(name);
    onStack.add(name);
    for (const next of edges.get(name) ?? []) {
      if (onStack.has(next)) {
        cycles.push([...stack.slice(stack.indexOf(next)), next]);
      } else if (!done.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    onStack.delete(name);
    done.add(name);
  };

  for (const name of edges.keys()) if (!done.has(name)) visit(name);
  return cycles;
}
