// `pnpm --filter @lapps/conformance report`: runs every case against ours (plain and TLS) and the
// `ws` calibration server, and prints the verdicts per group as Markdown.
import { allCases } from './cases/index.js';
import { runSuite } from './runner/suite.js';
import { deviations, markdownTable } from './runner/summary.js';
import { type ServerUnderTest, startLapps, startWsEcho } from './servers.js';

const targets: Array<[string, () => Promise<ServerUnderTest>]> = [
  ['lapps', () => startLapps()],
  ['lapps (TLS)', () => startLapps({ tls: true })],
  ['ws', () => startWsEcho()],
];

const runs = [];
for (const [name, start] of targets) {
  const server = await start();
  try {
    runs.push({ server: name, results: await runSuite(server, allCases) });
  } finally {
    await server.stop();
  }
}
console.log(markdownTable(runs));
for (const { server, results } of runs) {
  const notOk = deviations(results);
  if (notOk.length > 0)
    console.log(`\n### ${server}: not OK\n\n${notOk.map((line) => `- ${line}`).join('\n')}`);
}
