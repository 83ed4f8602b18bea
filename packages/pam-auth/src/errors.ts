/** Every failure of @lapps/pam-auth, by stable code. */
export type PamAuthErrorCode =
  /** Empty or non-string arguments, or strings PAM cannot take (a NUL byte, too long). */
  | 'LAPPS_ERR_PAM_USAGE'
  /** PAM said no: wrong password, unknown user, expired or locked account, denied by policy. */
  | 'LAPPS_ERR_PAM_AUTH_FAILED'
  /** The PAM service has no file in /etc/pam.d (PAM would fall back to `other`): refused. */
  | 'LAPPS_ERR_PAM_NO_SERVICE'
  /** Too many recent failures for this user or this client address: refused without asking PAM. */
  | 'LAPPS_ERR_PAM_LOCKED_OUT'
  /** Too many logins are waiting for a PAM slot already. */
  | 'LAPPS_ERR_PAM_BUSY'
  /** PAM cannot work here: the binding did not load, or the process cannot read the shadow file. */
  | 'LAPPS_ERR_PAM_UNAVAILABLE'
  /** A bad option of `PamAuthenticator`. */
  | 'LAPPS_ERR_PAM_INVALID_OPTION';

/**
 * The one error class of @lapps/pam-auth; `code` is stable, `message` says what and where. No
 * message of this package ever contains a password.
 */
export class PamAuthError extends Error {
  override readonly name = 'PamAuthError';
  readonly code: PamAuthErrorCode;

  constructor(code: PamAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
