// Every RFC 6455 conformance case against ours (plain and TLS) and against `ws`, the calibration:
// a case `ws` fails for no reason the RFC gives would be a bug in the suite, not in a server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allCases,
  type CaseResult,
  GROUPS,
  markdownTable,
  runSuite,
  type ServerUnderTest,
  startLapps,
  startWsEcho,
} from '../src/index.js';

/**
 * Where `ws` may deviate, and why the RFC allows it. `ws` checks UTF-8 once a text message is
 * complete, so it fails invalid text only at the end of the message, not as soon as the invalid
 * bytes arrive: RFC 6455 8.1 requires failing on invalid UTF-8 but not when, so this is the
 * NON-STRICT Autobahn gives it.
 */
const WS_NON_STRICT = new Set(['6.4.1', '6.4.2', '6.4.3', '6.4.4']);

/**
 * Server bugs found by this suite and not fixed yet: tolerated here only with their exact symptom
 * (so the rest stays a gate), and reported when they pass so the entry gets removed. None now: the
 * 4 MiB echoes of 9.1.4 / 9.2.4 used to be closed with 1008 by a backpressure check that counted
 * the frame being written; fixed in the server's Connection.send().
 */
const LAPPS_KNOWN_BUGS = new Map<string, string>();

interface Target {
  name: string;
  start: () => Promise<ServerUnderTest>;
  /** Case ids allowed to be NON-STRICT. */
  allowed: Set<string>;
  /** Case id -> the text its FAILED details must contain. */
  knownBugs: Map<string, string>;
}

const targets: Target[] = [
  { name: 'lapps', start: () => startLapps(), allowed: new Set(), knownBugs: LAPPS_KNOWN_BUGS },
  {
    name: 'lapps (TLS)',
    start: () => startLapps({ tls: true }),
    allowed: new Set(),
    knownBugs: LAPPS_KNOWN_BUGS,
  },
  { name: 'ws', start: () => startWsEcho(), allowed: WS_NON_STRICT, knownBugs: new Map() },
];

const tolerated = (target: Target, result: CaseResult): boolean => {
  if (result.verdict === 'OK') return true;
  if (result.verdict === 'NON-STRICT' && target.allowed.has(result.id)) return true;
  const symptom = target.knownBugs.get(result.id);
  return result.verdict === 'FAILED' && symptom !== undefined && result.details.includes(symptom);
};

const runs: Array<{ server: string; results: CaseResult[] }> = [];

afterAll(() => {
  if (runs.length > 0)
    console.log(`RFC 6455 conformance, verdicts per group:\n${markdownTable(runs)}`);
});

for (const target of targets) {
  describe(`RFC 6455 conformance: ${target.name}`, () => {
    let results: CaseResult[] = [];
    beforeAll(async () => {
      const server = await target.start();
      try {
        results = await runSuite(server, allCases);
      } finally {
        await server.stop();
      }
      runs.push({ server: target.name, results });
    }, 120_000);

    for (const group of GROUPS) {
      it(`group ${group}: every case OK${target.allowed.size > 0 ? ' (or a known NON-STRICT)' : ''}`, () => {
        const inGroup = results.filter((result) => result.group === group);
        expect(inGroup.length).toBeGreaterThan(0);
        const wrong = inGroup.filter((r) => !tolerated(target, r));
        for (const r of inGroup) {
          if (r.verdict === 'OK' && target.knownBugs.has(r.id)) {
            console.log(
              `${target.name} ${r.id}: known bug did not show this run (remove the entry once fixed)`,
            );
          }
        }
        expect(
          wrong.map((r) => `${r.id} ${r.verdict}: ${r.description} -- ${r.details}`),
          `${target.name}, group ${group}`,
        ).toEqual([]);
        // A listed deviation that no longer happens should leave the list, not hide there.
        const stale = inGroup.filter((r) => target.allowed.has(r.id) && r.verdict === 'OK');
        expect(
          stale.map((r) => r.id),
          `${target.name}: now OK, remove from the allowed list`,
        ).toEqual([]);
      });
    }
  });
}
