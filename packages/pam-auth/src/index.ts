// @lapps/pam-auth: PAM authentication for LAppS (pam_authenticate + pam_acct_mgmt off the main
// thread, a uniform delay on failure, a concurrency cap, lockout per user and client address).

export {
  DEFAULT_LOCKOUT,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_MAX_QUEUED,
  DEFAULT_MIN_FAILURE_DELAY_MS,
  DEFAULT_SERVICE_DIRS,
  DEFAULT_SHADOW_PATH,
  PamAuthenticator,
  REASON_BUSY,
  REASON_FAILED,
  REASON_LOCKED,
  REASON_UNAVAILABLE,
  USAGE,
} from './authenticator.js';
export type {
  PamAuthEvent,
  PamAuthenticatorOptions,
  PamLoginResult,
  PamUsability,
} from './authenticator.js';
export { PAM_CODE_NAMES, loadNodeLinuxPam, pamCodeName } from './binding.js';
export type { PamBinding, PamRequest } from './binding.js';
export type { LockoutOptions } from './lockout.js';
export { PamAuthError } from './errors.js';
export type { PamAuthErrorCode } from './errors.js';
