/**
 * Notes for keys that only tuned the C++ server. They are accepted so that a LAppS 0.9 config loads
 * unchanged, and each one present gets a line in the log so nobody expects it to do anything.
 */

const IGNORED_WS_KEYS: readonly (readonly string[])[] = [
  ['listeners'],
  ['connection_weight'],
  ['lapps_config_auto_save'],
  ['lapps_config_file'],
  ['workers', 'max_poll_events'],
  ['workers', 'max_poll_wait_ms'],
  ['workers', 'max_inbounds_skip'],
  ['workers', 'input_buffer_size'],
];

const IGNORED_LAPPS_KEYS: readonly (readonly string[])[] = [
  ['directories', 'deploy'],
  ['directories', 'tmp'],
  ['directories', 'app_conf_dir'],
  ['directories', 'workdir'],
];

/** Notes for `ws.json` as written (call before the defaults are filled in). */
export function wsNotes(label: string, raw: unknown): string[] {
  return ignoredKeyNotes(label, raw, IGNORED_WS_KEYS);
}

/** Notes for `lapps.json` as written (call before the defaults are filled in). */
export function lappsNotes(label: string, raw: unknown): string[] {
  return ignoredKeyNotes(label, raw, IGNORED_LAPPS_KEYS);
}

function ignoredKeyNotes(
  label: string,
  raw: unknown,
  keys: readonly (readonly string[])[],
): string[] {
  return keys
    .filter((path) => lookup(raw, path) !== undefined)
    .map((path) => `${label}: ${path.join('.')} is accepted for compatibility and ignored`);
}

function lookup(node: unknown, path: readonly string[]): unknown {
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
