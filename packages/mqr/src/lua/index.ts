// @lapps/mqr/lua: the Lua module `mqr` for @lapps/lua-bridge services (needs @lapps/lua-bridge).
export { createMqrModule } from './mqr-module.js';
export type { MqrModuleOptions } from './mqr-module.js';
