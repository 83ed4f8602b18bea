/**
 * The Lua module `pam_auth`: `local ok, err = pam_auth:login(service, user, password)` returns
 * `true`, or `false, message` ("authentication failed", "too many failures; try again later",
 * "busy; try again later", a usage message for empty or non-string arguments). The call yields
 * while PAM works: the instance's other events wait, the rest of the server keeps serving.
 * An optional 4th argument, a string, is the client's address (per-address lockout, PAM_RHOST).
 * `pam_auth.login(service, user, password)` (with a dot) works too.
 *
 * The message never says why PAM refused; the server log gets the PAM code (never the password)
 * through the instance's `log` ('info' for a refusal, 'warn' for a lockout or PAM being unusable).
 */
import {
  type LuaModule,
  type LuaModuleContext,
  type LuaState,
  argString,
  argType,
  loadModuleChunk,
  returnValues,
} from '@lapps/lua-bridge';
import type { PamAuthenticator, PamLoginResult } from '../authenticator.js';
import { USAGE } from '../authenticator.js';
import { PamAuthError } from '../errors.js';

/** What the module needs of a `PamAuthenticator` (tests may pass a stand-in). */
export type PamLogin = Pick<PamAuthenticator, 'login'> & Partial<Pick<PamAuthenticator, 'check'>>;

export interface PamAuthModuleOptions {
  /**
   * Whether opening the module (a service's `preload` or `require`) throws PamAuthError
   * LAPPS_ERR_PAM_UNAVAILABLE when `authenticator.check()` finds PAM unusable. Default true:
   * a service that preloads `pam_auth` then fails at start with the reason.
   */
  readonly checkOnOpen?: boolean;
}

const PAM_AUTH_LUA = `
local js = ...
local pam_auth = {}
function pam_auth.login(self, ...)
  if self == pam_auth then return js.login(...) end
  return js.login(self, ...)
end
return setmetatable(pam_auth, {
  __tostring = function() return 'pam_auth' end,
  __newindex = function() error('pam_auth is read-only', 2) end,
})
`;

const NAMES = ['service', 'user', 'password'] as const;

function logFailure(context: LuaModuleContext, result: PamLoginResult, who: Who): void {
  if (result.ok || result.code === 'LAPPS_ERR_PAM_USAGE') return;
  const level =
    result.code === 'LAPPS_ERR_PAM_AUTH_FAILED' || result.code === 'LAPPS_ERR_PAM_NO_SERVICE'
      ? 'info'
      : 'warn';
  context.log(level, `pam_auth: login refused (${result.pamName ?? result.code})`, {
    ...who,
    code: result.code,
    ...(result.pamCode === undefined ? {} : { pamCode: result.pamCode }),
  });
}

type Who = { service: string; user: string; clientAddress?: string };

/** The module `pam_auth` over `authenticator` (one per server process: it holds the lockouts). */
export function createPamAuthModule(
  authenticator: PamLogin,
  options: PamAuthModuleOptions = {},
): LuaModule {
  const checkOnOpen = options.checkOnOpen ?? true;
  return {
    name: 'pam_auth',
    open(L, context) {
      if (checkOnOpen && authenticator.check !== undefined) {
        const { usable, reason } = authenticator.check();
        if (!usable) {
          throw new PamAuthError(
            'LAPPS_ERR_PAM_UNAVAILABLE',
            `service ${context.service}: pam_auth: PAM is unusable: ${reason}`,
          );
        }
      }
      loadModuleChunk(L, 'pam_auth', PAM_AUTH_LUA, {
        login: (S: LuaState) => {
          for (const [i, name] of NAMES.entries()) {
            if (argType(S, i + 1) !== 'string') {
              return returnValues(S, false, `${USAGE}: ${name} must be a non-empty string`);
            }
          }
          const clientType = argType(S, 4);
          if (clientType !== 'nil' && clientType !== 'string') {
            return returnValues(S, false, `${USAGE}: client address must be a string when given`);
          }
          const service = argString(S, 1) ?? '';
          const user = argString(S, 2) ?? '';
          const password = argString(S, 3) ?? '';
          const clientAddress = clientType === 'string' ? argString(S, 4) : undefined;
          const who: Who = {
            service,
            user,
            ...(clientAddress === undefined ? {} : { clientAddress }),
          };
          return context.suspend(S, (resume) => {
            authenticator.login(service, user, password, clientAddress).then(
              (result) => {
                logFailure(context, result, who);
                resume((T) =>
                  result.ok ? returnValues(T, true) : returnValues(T, false, result.reason),
                );
              },
              () => resume((T) => returnValues(T, false, 'authentication unavailable')),
            );
          });
        },
      });
    },
  };
}
