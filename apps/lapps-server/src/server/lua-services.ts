import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type LogFunction,
  type LuaModule,
  StandaloneService,
  builtinModules,
  createLuaServiceFactory,
} from '@lapps/lua-bridge';
import type { EffectiveConfig, ServiceConfig } from '../config/index.js';
import { builtinServices } from './builtin-services.js';
import type { Logger } from './logger.js';
import type { ServiceFactory } from './service.js';

/** The modules a service may `preload` or `require` (other packages add theirs here). */
export const serviceModules: readonly LuaModule[] = builtinModules;

/** Where a service's code lives: `<applications>/<name>/<name>.lua`. */
export function serviceDir(config: EffectiveConfig, service: ServiceConfig): string {
  return join(config.lapps.directories.applications, service.name);
}

function hasLuaCode(config: EffectiveConfig, service: ServiceConfig): boolean {
  return existsSync(join(serviceDir(config, service), `${service.name}.lua`));
}

/** Lua's print and errors go to the server log, tagged with the service. */
function luaLog(log: Logger, service: string): LogFunction {
  return (level, message, fields) => log[level]({ service, ...fields }, message);
}

/**
 * The implementation of each network service: its Lua file when `<apps>/<name>/<name>.lua`
 * exists, else the built-in TypeScript service of that name (the server refuses to start when
 * there is neither).
 */
export function networkServiceFactories(
  config: EffectiveConfig,
  log: Logger,
): Map<string, ServiceFactory> {
  const factories = new Map<string, ServiceFactory>(builtinServices);
  for (const service of config.lapps.services) {
    if (service.standalone || !hasLuaCode(config, service)) continue;
    factories.set(
      service.name,
      createLuaServiceFactory({
        name: service.name,
        dir: serviceDir(config, service),
        preload: service.preload,
        modules: serviceModules,
        log: luaLog(log, service.name),
        settings: service.settings,
      }),
    );
  }
  return factories;
}

/**
 * Starts every instance of the standalone services marked `auto_start` (in configuration order,
 * which already follows `depends`). Throws the first failure (a LuaBridgeError naming the file).
 */
export async function startStandaloneServices(
  config: EffectiveConfig,
  log: Logger,
): Promise<StandaloneService[]> {
  const started: StandaloneService[] = [];
  for (const service of config.lapps.services) {
    if (!service.standalone || !service.auto_start) continue;
    for (let instance = 0; instance < service.instances; instance++) {
      const standalone = new StandaloneService(
        {
          name: service.name,
          dir: serviceDir(config, service),
          preload: service.preload,
          modules: serviceModules,
          log: luaLog(log, service.name),
          settings: service.settings,
        },
        instance,
      );
      await standalone.start();
      started.push(standalone);
    }
    log.info({ service: service.name, instances: service.instances }, 'standalone service started');
  }
  return started;
}
