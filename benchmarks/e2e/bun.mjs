// Bun (the npm package `bun` ships the runtime), installed on demand into benchmarks/.tools so that
// ordinary installs of the repository do not download it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** `{ bin }`, or `{ problem }` saying why Bun is skipped. */
export function ensureBun(toolsDir) {
  const bin = join(toolsDir, 'node_modules', '.bin', 'bun');
  const works = () => existsSync(bin) && spawnSync(bin, ['--version']).status === 0;
  if (works()) return { bin };
  mkdirSync(toolsDir, { recursive: true });
  console.error('installing bun (npm) into benchmarks/.tools ...');
  const npm = spawnSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', toolsDir, 'bun@1'],
    { encoding: 'utf8' },
  );
  if (npm.status !== 0 || !works()) {
    return {
      problem: `bun skipped: npm install bun failed: ${(npm.stderr || '').trim().split('\n').pop()}`,
    };
  }
  return { bin };
}
