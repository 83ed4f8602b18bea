// @lapps/conformance (private): the servers under test and the helpers the suites share.
export { certificates } from './certificates.js';
export type { Certificates } from './certificates.js';
export { startLapps, startWsEcho } from './servers.js';
export type { LappsOptions, ServerUnderTest } from './servers.js';

// The RFC 6455 conformance cases (Autobahn's groups, in our own words) and their runner.
export { allCases, GROUPS } from './cases/index.js';
export type { ConformanceCase, Expectation, ExpectedEvent, Step } from './cases/case.js';
export { runCase } from './runner/raw-client.js';
export type { RunOptions, Transcript } from './runner/raw-client.js';
export { runSuite } from './runner/suite.js';
export type { SuiteOptions } from './runner/suite.js';
export { countByGroup, deviations, markdownTable } from './runner/summary.js';
export { judge, VERDICTS } from './runner/verdicts.js';
export type { CaseResult, Verdict } from './runner/verdicts.js';
