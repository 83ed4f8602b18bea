// @lapps/cws/lua: the Lua module `cws` for @lapps/lua-bridge services (needs @lapps/lua-bridge).
export { createCwsModule, cwsModule, DEFAULT_MAX_CONNECTIONS_PER_INSTANCE } from './cws-module.js';
export type { CwsModuleOptions } from './cws-module.js';
