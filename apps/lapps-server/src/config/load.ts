import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { checkServices, checkWs } from './cross-key-checks.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { readJsonFile } from './json-file.js';
import { lappsNotes, wsNotes } from './notes.js';
import { configFilePath, lappsHome, resolveConfDir } from './paths.js';
import type {
  EffectiveConfig,
  LappsConfig,
  LoadOptions,
  ServiceConfig,
  WsConfig,
} from './types.js';
import { validateShape } from './validator.js';

/**
 * Finds, reads and validates `ws.json` and `lapps.json`, and returns them with every default filled
 * in and every path absolute. Throws a `ConfigError` listing all the problems in both files.
 *
 * @example
 * const config = loadConfig({ confDir: '/opt/lapps/etc/conf' });
 * console.log(config.ws.port, config.lapps.services.map((s) => s.name));
 */
export function loadConfig(options: LoadOptions = {}): EffectiveConfig {
  const env = options.env ?? process.env;
  const { dir: confDir, source } = resolveConfDir(options, env);
  checkConfDir(confDir, source);

  const wsFile = configFilePath(confDir, env, 'WS_CONFIG', 'ws.json');
  const lappsFile = configFilePath(confDir, env, 'LAPPS_CONFIG', 'lapps.json');
  const problems: ConfigProblem[] = [];
  const notes: string[] = [];

  const ws = readFile(wsFile, problems, notes);
  if (ws !== undefined) {
    notes.push(...wsNotes(basename(wsFile), ws));
    problems.push(...validateShape('ws', wsFile, ws), ...checkWs(wsFile, ws));
  }

  const lapps = readFile(lappsFile, problems, notes);
  if (lapps !== undefined) {
    const label = basename(lappsFile);
    notes.push(...lappsNotes(label, lapps));
    problems.push(...readInternalAsStandalone(lappsFile, label, lapps, notes));
    problems.push(...validateShape('lapps', lappsFile, lapps));
    problems.push(...checkServices(lappsFile, lapps, notes, label));
  }

  if (problems.length > 0) throw new ConfigError(problems);
  // No problems: both files have the schemas' shape, with every default present.
  return {
    confDir,
    wsFile,
    lappsFile,
    ws: effectiveWs(ws as RawWs, confDir),
    lapps: effectiveLapps(lapps as RawLapps, lappsHome(env) ?? dirname(lappsFile)),
    notes,
  };
}

function checkConfDir(confDir: string, source: string): void {
  let message: string | undefined;
  try {
    if (!statSync(confDir).isDirectory()) message = `is not a directory (from ${source})`;
  } catch {
    message = `configuration directory not found (from ${source})`;
  }
  if (message !== undefined) throw new ConfigError([{ file: confDir, path: '', message }]);
}

/** The parsed file; `{}` (all defaults) when it is missing; undefined when it cannot be used. */
function readFile(file: string, problems: ConfigProblem[], notes: string[]): unknown {
  const result = readJsonFile(file);
  switch (result.kind) {
    case 'missing':
      notes.push(`${basename(file)}: not found at ${file}, every key takes its default`);
      return {};
    case 'invalid':
      problems.push(result.problem);
      return undefined;
    case 'parsed':
      return result.value;
  }
}

/**
 * `internal` is the pre-0.9 name of `standalone`, still used by the original's benchmark config.
 * Copied over before Ajv fills in `standalone: false`.
 */
function readInternalAsStandalone(
  file: string,
  label: string,
  lapps: unknown,
  notes: string[],
): ConfigProblem[] {
  const services = (lapps as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null) return [];
  const problems: ConfigProblem[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (typeof service !== 'object' || service === null || !('internal' in service)) continue;
    const entry = service as { internal: unknown; standalone?: unknown };
    if (typeof entry.internal !== 'boolean') continue; // the schema reports it
    if (entry.standalone === undefined) {
      entry.standalone = entry.internal;
      notes.push(`${label}: services.${name}.internal is read as standalone (its pre-0.9 name)`);
    } else if (entry.standalone !== entry.internal) {
      problems.push({
        file,
        path: `services.${name}.internal`,
        message: `expected the same value as standalone (internal is its pre-0.9 name), got ${entry.internal} and standalone ${String(entry.standalone)}`,
      });
    }
  }
  return problems;
}

/** ws.json as the schema leaves it: the effective keys plus the ignored `lapps_config_file`. */
type RawWs = WsConfig & { lapps_config_file?: string };

function effectiveWs(raw: RawWs, confDir: string): WsConfig {
  const { lapps_config_file: _ignored, ...ws } = raw;
  // One worker process per core unless told otherwise (DESIGN section 4).
  ws.workers = { ...ws.workers, workers: ws.workers.workers ?? availableParallelism() };
  const absolute = (path: string) => (path === '' ? '' : resolve(confDir, path));
  const { ca, cert, key } = raw.tls_certificates;
  ws.tls_certificates = {
    ...(ca !== undefined && { ca: absolute(ca) }),
    cert: absolute(cert),
    key: absolute(key),
  };
  return ws;
}

type RawService = Omit<ServiceConfig, 'name' | 'preload' | 'depends'> & {
  internal?: boolean;
  preload: string[] | null;
  depends: string[] | null;
};

interface RawLapps {
  directories: LappsConfig['directories'];
  services: Record<string, RawService>;
}

function effectiveLapps(raw: RawLapps, base: string): LappsConfig {
  const d = raw.directories;
  return {
    directories: {
      applications: resolve(base, d.applications),
      deploy: resolve(base, d.deploy),
      tmp: resolve(base, d.tmp),
      app_conf_dir: resolve(base, d.app_conf_dir),
      workdir: resolve(base, d.workdir),
    },
    services: inStartOrder(
      Object.entries(raw.services).map(([name, s]) => ({
        name,
        standalone: s.standalone,
        instances: s.instances,
        auto_start: s.auto_start,
        preload: s.preload ?? [],
        depends: (s.depends ?? []).filter((dependency) => dependency !== name),
        request_target: s.request_target,
        protocol: s.protocol,
        max_inbound_message_size: s.max_inbound_message_size,
        acl: s.acl,
        extra_headers: s.extra_headers,
        proto_alias: s.proto_alias,
        settings: s.settings as Record<string, unknown>,
      })),
    ),
  };
}

/**
 * Services in the order they start: file order, except that a service comes after the services
 * it `depends` on (LAppS 0.9 started dependencies first, recursively). Cycles and unknown names
 * were rejected by the cross-key checks before this runs.
 */
function inStartOrder(services: ServiceConfig[]): ServiceConfig[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  const ordered: ServiceConfig[] = [];
  const placed = new Set<string>();
  const place = (service: ServiceConfig) => {
    if (placed.has(service.name)) return;
    placed.add(service.name);
    for (const dependency of service.depends) {
      const target = byName.get(dependency);
      if (target !== undefined) place(target);
    }
    ordered.push(service);
  };
  for (const service of services) place(service);
  return ordered;
}
