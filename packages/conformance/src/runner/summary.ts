// Counting verdicts per group, and the table both the test and the report command print.
import type { CaseResult, Verdict } from './verdicts.js';
import { VERDICTS } from './verdicts.js';

export interface GroupCount {
  group: number;
  cases: number;
  counts: Record<Verdict, number>;
}

export function countByGroup(results: readonly CaseResult[]): GroupCount[] {
  const byGroup = new Map<number, GroupCount>();
  for (const result of results) {
    let entry = byGroup.get(result.group);
    if (entry === undefined) {
      entry = {
        group: result.group,
        cases: 0,
        counts: { OK: 0, 'NON-STRICT': 0, INFORMATIONAL: 0, FAILED: 0 },
      };
      byGroup.set(result.group, entry);
    }
    entry.cases++;
    entry.counts[result.verdict]++;
  }
  return [...byGroup.values()].sort((a, b) => a.group - b.group);
}

/** A Markdown table: one row per server and group, then a total per server. */
export function markdownTable(
  runs: ReadonlyArray<{ server: string; results: readonly CaseResult[] }>,
): string {
  const lines = [
    `| server | group | cases | ${VERDICTS.join(' | ')} |`,
    `|---|---:|---:|${VERDICTS.map(() => '---:').join('|')}|`,
  ];
  for (const { server, results } of runs) {
    const groups = countByGroup(results);
    for (const { group, cases, counts } of groups) {
      lines.push(
        `| ${server} | ${group} | ${cases} | ${VERDICTS.map((v) => counts[v]).join(' | ')} |`,
      );
    }
    const total = (v: Verdict) => groups.reduce((sum, g) => sum + g.counts[v], 0);
    lines.push(`| **${server}** | all | ${results.length} | ${VERDICTS.map(total).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The results that are not OK, one line each, for assertion messages and the report. */
export function deviations(results: readonly CaseResult[]): string[] {
  return results
    .filter((result) => result.verdict !== 'OK')
    .map((r) => `${r.id} ${r.verdict}: ${r.description} -- ${r.details}`);
}
