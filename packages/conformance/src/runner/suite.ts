// Running many cases against one server, a bounded number at a time.
import type { ConformanceCase } from '../cases/case.js';
import type { ServerUnderTest } from '../servers.js';
import { type RunOptions, runCase } from './raw-client.js';
import { type CaseResult, judge } from './verdicts.js';

export interface SuiteOptions extends RunOptions {
  /** Cases in flight at once; 8 keeps the whole suite under a minute without starving the server. */
  concurrency?: number;
}

/** Runs `cases` against `server` and returns one result per case, in the cases' order. */
export async function runSuite(
  server: ServerUnderTest,
  cases: readonly ConformanceCase[],
  options: SuiteOptions = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const testCase = cases[index]!;
      const started = performance.now();
      const transcript = await runCase(server, testCase, options);
      results[index] = {
        ...judge(testCase, transcript),
        durationMs: Math.round(performance.now() - started),
      };
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return results;
}
