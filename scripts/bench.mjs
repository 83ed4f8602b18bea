// `pnpm bench`: every package's micro-benchmarks (turbo, one package at a time, each printing its
// own tables as it goes), then one summary of all of them. Each package's bench/run.ts writes its
// summary rows ({benchmark, ours, baseline, ratio}, as text) to
// $LAPPS_BENCH_SUMMARY_DIR/<package folder>.json; a package that wrote none is listed as such.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(repo, 'packages')).filter((name) => {
  try {
    const manifest = JSON.parse(readFileSync(join(repo, 'packages', name, 'package.json'), 'utf8'));
    return typeof manifest.scripts?.bench === 'string';
  } catch {
    return false;
  }
});

const dir = mkdtempSync(join(os.tmpdir(), 'lapps-bench-'));
const started = Date.now();
// Extra arguments go to turbo (`pnpm bench -- --filter @lapps/frame-codec`).
const args = process.argv.slice(2).filter((a) => a !== '--');
const run = spawnSync('pnpm', ['exec', 'turbo', 'run', 'bench', '--concurrency=1', ...args], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, LAPPS_BENCH_SUMMARY_DIR: dir },
});

if (run.error) console.error(`pnpm bench: could not run turbo (${run.error.message})`);

const lines = [
  '',
  `## Summary of \`pnpm bench\` (${Math.round((Date.now() - started) / 1000)} s; ratio: ours / baseline, above 1 means ours is faster)`,
  '',
  '| package | benchmark | ours | baseline | ratio |',
  '| --- | --- | ---: | --- | ---: |',
];
const missing = [];
for (const name of packages) {
  let rows;
  try {
    rows = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  } catch {
    missing.push(name);
    continue;
  }
  for (const row of rows) {
    lines.push(
      `| @lapps/${name} | ${row.benchmark} | ${row.ours} | ${row.baseline} | ${row.ratio} |`,
    );
  }
}
// With turbo arguments (a --filter) the packages left out are expected to be missing.
if (missing.length > 0 && args.length === 0) {
  lines.push(
    '',
    `No summary from: ${missing.map((n) => `@lapps/${n}`).join(', ')} (not run, or failed: see above).`,
  );
}
console.log(lines.join('\n'));
rmSync(dir, { recursive: true, force: true });
process.exit(run.status ?? 1);
