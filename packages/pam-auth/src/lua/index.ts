// @lapps/pam-auth/lua: the Lua module `pam_auth` for @lapps/lua-bridge services (needs
// @lapps/lua-bridge).
export { createPamAuthModule } from './pam-auth-module.js';
export type { PamAuthModuleOptions, PamLogin } from './pam-auth-module.js';
