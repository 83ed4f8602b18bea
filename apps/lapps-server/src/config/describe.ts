import type { EffectiveConfig } from './types.js';

/**
 * The effective configuration as pretty JSON, for `lapps check`: where it came from, both files
 * with every default filled in (`lapps.services` keyed by name, as in the file) and the notes.
 */
export function describeConfig(config: EffectiveConfig): string {
  const services = Object.fromEntries(
    config.lapps.services.map(({ name, ...service }) => [name, service]),
  );
  return JSON.stringify(
    {
      confDir: config.confDir,
      wsFile: config.wsFile,
      lappsFile: config.lappsFile,
      ws: config.ws,
      lapps: { directories: config.lapps.directories, services },
      notes: config.notes,
    },
    null,
    2,
  );
}
