import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadOptions } from './types.js';

const PACKAGE_NAME = '@lapps/server';

let cachedRoot: string | undefined;

/**
 * The folder holding this package's package.json. Found by walking up from this module, because the
 * module sits at a different depth in src/ (tsx, vitest) and in the bundled dist/cli.js.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && readPackageName(candidate) === PACKAGE_NAME) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json`);
    dir = parent;
  }
}

function readPackageName(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/** The built-in example configuration, `example/conf` in this package (its services are in `example/apps`). */
export function defaultConfigDir(): string {
  return join(packageRoot(), 'example', 'conf');
}

/** Where the conf dir came from, for the error message when it does not exist. */
export type ConfDirSource = '--conf-dir' | 'LAPPS_CONF_DIR' | 'LAPPS_HOME' | 'built-in example';

/**
 * The conf dir, as LAppS 0.9 finds it plus our fallback: `--conf-dir`, else `LAPPS_CONF_DIR`, else
 * `$LAPPS_HOME/etc/conf`, else the built-in example. Relative paths resolve against the cwd.
 */
export function resolveConfDir(
  options: LoadOptions,
  env: NodeJS.ProcessEnv,
): { dir: string; source: ConfDirSource } {
  if (options.confDir !== undefined && options.confDir !== '') {
    return { dir: resolve(options.confDir), source: '--conf-dir' };
  }
  const fromEnv = env['LAPPS_CONF_DIR'];
  if (fromEnv !== undefined && fromEnv !== '')
    return { dir: resolve(fromEnv), source: 'LAPPS_CONF_DIR' };
  const home = lappsHome(env);
  if (home !== undefined) return { dir: join(home, 'etc', 'conf'), source: 'LAPPS_HOME' };
  return { dir: defaultConfigDir(), source: 'built-in example' };
}

/** `LAPPS_HOME` as an absolute path, or undefined when it is not set. */
export function lappsHome(env: NodeJS.ProcessEnv): string | undefined {
  const home = env['LAPPS_HOME'];
  return home === undefined || home === '' ? undefined : resolve(home);
}

/** `WS_CONFIG` / `LAPPS_CONFIG`: a name inside the conf dir, or an absolute path used as is. */
export function configFilePath(
  confDir: string,
  env: NodeJS.ProcessEnv,
  variable: 'WS_CONFIG' | 'LAPPS_CONFIG',
  fallback: string,
): string {
  const name = env[variable];
  const file = name === undefined || name === '' ? fallback : name;
  return isAbsolute(file) ? file : join(confDir, file);
}
