import { echoService } from './echo-service.js';
import type { ServiceFactory } from './service.js';

/**
 * Services written in TypeScript and shipped with the server, by the name a `lapps.json` entry
 * uses. Lua services (`<apps>/<name>/<name>.lua`) come with the Lua bridge.
 */
export const builtinServices: ReadonlyMap<string, ServiceFactory> = new Map([
  ['echo', echoService],
]);
