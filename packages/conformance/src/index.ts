// @lapps/conformance (private): the servers under test and the helpers the suites share.
export { certificates } from './certificates.js';
export type { Certificates } from './certificates.js';
export { startLapps, startWsEcho } from './servers.js';
export type { LappsOptions, ServerUnderTest } from './servers.js';
