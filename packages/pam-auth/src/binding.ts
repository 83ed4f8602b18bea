/**
 * The PAM binding: node-linux-pam (N-API), which runs `pam_start`, `pam_authenticate`,
 * `pam_acct_mgmt` and `pam_end` in a `Napi::AsyncWorker`, i.e. on a libuv thread-pool thread,
 * never on the event loop. It is compiled from source at install time (see the README).
 */
import { createRequire } from 'node:module';

/** One PAM transaction's input. The password is only ever handed to the binding. */
export interface PamRequest {
  readonly service: string;
  readonly user: string;
  readonly password: string;
  /** Set as PAM_RHOST (pam_unix logs it; pam_access and others can use it). */
  readonly remoteHost?: string;
}

/**
 * What `PamAuthenticator` calls: resolves with the PAM return code (0 = PAM_SUCCESS: the
 * password is right and `pam_acct_mgmt` allows the account). Injectable for tests.
 */
export interface PamBinding {
  authenticate(request: PamRequest): Promise<number>;
}

/** PAM's return codes (Linux-PAM's `_pam_types.h`), by number. */
export const PAM_CODE_NAMES: readonly string[] = [
  'PAM_SUCCESS',
  'PAM_OPEN_ERR',
  'PAM_SYMBOL_ERR',
  'PAM_SERVICE_ERR',
  'PAM_SYSTEM_ERR',
  'PAM_BUF_ERR',
  'PAM_PERM_DENIED',
  'PAM_AUTH_ERR',
  'PAM_CRED_INSUFFICIENT',
  'PAM_AUTHINFO_UNAVAIL',
  'PAM_USER_UNKNOWN',
  'PAM_MAXTRIES',
  'PAM_NEW_AUTHTOK_REQD',
  'PAM_ACCT_EXPIRED',
  'PAM_SESSION_ERR',
  'PAM_CRED_UNAVAIL',
  'PAM_CRED_EXPIRED',
  'PAM_CRED_ERR',
  'PAM_NO_MODULE_DATA',
  'PAM_CONV_ERR',
  'PAM_AUTHTOK_ERR',
  'PAM_AUTHTOK_RECOVERY_ERR',
  'PAM_AUTHTOK_LOCK_BUSY',
  'PAM_AUTHTOK_DISABLE_AGING',
  'PAM_TRY_AGAIN',
  'PAM_IGNORE',
  'PAM_ABORT',
  'PAM_AUTHTOK_EXPIRED',
  'PAM_MODULE_UNKNOWN',
  'PAM_BAD_ITEM',
  'PAM_CONV_AGAIN',
  'PAM_INCOMPLETE',
];

/** The name of a PAM return code, e.g. 'PAM_AUTH_ERR' for 7. */
export function pamCodeName(code: number): string {
  return PAM_CODE_NAMES[code] ?? `PAM_UNKNOWN_CODE_${code}`;
}

/** node-linux-pam's callback API (`pamAuthenticate(options, (err, code) => ...)`). */
type NodeLinuxPamAuthenticate = (
  options: { username: string; password: string; serviceName?: string; remoteHost?: string },
  callback: (error: Error | null, code: number) => void,
) => void;

/** The outcome of loading node-linux-pam: once per process. */
type LoadResult = { binding: PamBinding } | { error: string };
let loaded: LoadResult | undefined;

/**
 * node-linux-pam as a `PamBinding`, loaded on first use (importing this package never loads the
 * native code). Throws when the compiled binding is missing or does not load.
 */
export function loadNodeLinuxPam(): PamBinding {
  loaded ??= tryLoad();
  if ('error' in loaded) throw new Error(loaded.error);
  return loaded.binding;
}

function tryLoad(): LoadResult {
  let authenticate: NodeLinuxPamAuthenticate;
  try {
    const require = createRequire(import.meta.url);
    const module = require('node-linux-pam') as { pamAuthenticate?: unknown };
    if (typeof module.pamAuthenticate !== 'function') {
      return { error: 'node-linux-pam has no pamAuthenticate function' };
    }
    authenticate = module.pamAuthenticate as NodeLinuxPamAuthenticate;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { error: `node-linux-pam did not load: ${message}` };
  }
  return {
    binding: {
      authenticate(request) {
        return new Promise((resolve, reject) => {
          const options = {
            username: request.user,
            password: request.password,
            serviceName: request.service,
            ...(request.remoteHost === undefined ? {} : { remoteHost: request.remoteHost }),
          };
          try {
            // The callback's `error` is pam_strerror's text; `code` is what counts.
            authenticate(options, (error, code) => {
              if (error === null && code === 0) resolve(0);
              else resolve(typeof code === 'number' && code !== 0 ? code : -1);
            });
          } catch (error) {
            // node-linux-pam's argument checks: TypeErrors that name the option, never its value.
            reject(
              new Error(`node-linux-pam: ${error instanceof Error ? error.message : 'failed'}`),
            );
          }
        });
      },
    },
  };
}
