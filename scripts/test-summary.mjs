// Adds up the vitest JSON reports of every workspace package into one closing line
// ("N passed, N failed, N skipped"), so that a CI log says in one place what ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
let reports = 0;
for (const group of ['packages', 'apps', 'benchmarks']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  const folders = group === 'benchmarks' ? [''] : readdirSync(dir);
  for (const name of folders) {
    const file = join(dir, name, '.test-results.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    reports++;
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    console.log(
      `${group}/${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
    );
  }
}
if (reports === 0) {
  console.error('test-summary: no test reports found');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
