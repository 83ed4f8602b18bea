import { existsSync, readFileSync } from 'node:fs';
import { createCwsModule } from '@lapps/cws/lua';
import { createMqrModule } from '@lapps/mqr/lua';
import { PamAuthenticator } from '@lapps/pam-auth';
import { createPamAuthModule } from '@lapps/pam-auth/lua';
import { join } from 'node:path';
import {
  type LogFunction,
  type LuaModule,
  type MessageProtocol,
  StandaloneService,
  builtinModules,
  createLuaServiceFactory,
} from '@lapps/lua-bridge';
import { lappsServiceProtocol } from '@lapps/protocol';
import { ConfigError, type EffectiveConfig, type ServiceConfig } from '../config/index.js';
import { builtinServices } from './builtin-services.js';
import { queueBackendFor } from './mqr-backend.js';
import type { Logger } from './logger.js';
import type { ServiceFactory } from './service.js';

/**
 * The modules a service may `preload` or `require`: the bridge's own and those of other packages.
 * `mqr` uses the backend of this configuration (`queueBackendFor`); `pam_auth` one authenticator
 * per configuration.
 * `cws` trusts ws.json's `tls_certificates.ca` besides Node's bundled CAs, as LAppS 0.9's client
 * loaded that file (but ours verifies certificates).
 */
export function serviceModules(config: EffectiveConfig, log?: Logger): LuaModule[] {
  return [
    ...builtinModules,
    createCwsModule({ trustedCa: trustedCa(config) }),
    createMqrModule({ backend: queueBackendFor(config) }),
    createPamAuthModule(authenticatorFor(config, log)),
  ];
}

const authenticators = new WeakMap<EffectiveConfig, PamAuthenticator>();

/**
 * One PAM authenticator per server process (it holds the failure counts of the lockout), shared by
 * network and standalone services. Logins are logged without the password; opening `pam_auth`
 * fails the service's start with the reason when PAM is unusable here.
 */
function authenticatorFor(config: EffectiveConfig, log: Logger | undefined): PamAuthenticator {
  let authenticator = authenticators.get(config);
  if (authenticator === undefined) {
    authenticator = new PamAuthenticator({
      log: (event) => {
        const { ok, ...fields } = event;
        if (ok) log?.info({ pam: fields }, 'pam_auth: login accepted');
        else log?.warn({ pam: fields }, 'pam_auth: login refused');
      },
    });
    authenticators.set(config, authenticator);
  }
  return authenticator;
}

/** The CA file's contents; unreadable is an error only when a service preloads `cws`. */
function trustedCa(config: EffectiveConfig): string | undefined {
  const path = config.ws.tls_certificates.ca;
  if (path === undefined || path === '') return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (!config.lapps.services.some((s) => s.preload.includes('cws'))) return undefined;
    throw new ConfigError([
      {
        file: config.wsFile,
        path: 'tls_certificates.ca',
        message: `cannot read ${path}, which cws trusts: ${(error as Error).message}`,
      },
    ]);
  }
}

/**
 * The message protocol of a service. `protocol: "LAppS"` services get the LAppS protocol whole
 * (CBOR requests in, `onMessage(handler, type, message)`), limited by the service's
 * `max_inbound_message_size`; the others are raw but may still send LAppS values with
 * `ws:send(handler, value)` and `bcast:send(id, value)`: as in LAppS 0.9, the arguments decide.
 */
export function serviceProtocol(service: ServiceConfig): MessageProtocol {
  const lapps = lappsServiceProtocol({ maxMessageBytes: service.max_inbound_message_size });
  if (service.protocol === 'LAppS' && !service.standalone) return lapps;
  return { name: 'LAppS', checkOutbound: lapps.checkOutbound };
}

/** `preload`, plus `bcast` for LAppS services: a global there in LAppS 0.9. */
function servicePreload(service: ServiceConfig): readonly string[] {
  if (service.protocol !== 'LAppS' || service.preload.includes('bcast')) return service.preload;
  return [...service.preload, 'bcast'];
}

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
  const modules = serviceModules(config, log);
  for (const service of config.lapps.services) {
    if (service.standalone) continue;
    if (!hasLuaCode(config, service)) {
      if (service.protocol === 'LAppS' && service.auto_start) {
        // The built-in TypeScript services are raw: only Lua speaks the LAppS protocol here.
        throw new ConfigError([
          {
            file: config.lappsFile,
            path: `services.${service.name}.protocol`,
            message: `protocol "LAppS" needs the Lua service ${join(serviceDir(config, service), `${service.name}.lua`)}, which does not exist`,
          },
        ]);
      }
      continue;
    }
    factories.set(
      service.name,
      createLuaServiceFactory({
        name: service.name,
        dir: serviceDir(config, service),
        preload: servicePreload(service),
        modules,
        log: luaLog(log, service.name),
        settings: service.settings,
        protocol: serviceProtocol(service),
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
  runsHere: (service: string, instance: number) => boolean = () => true,
): Promise<StandaloneService[]> {
  const started: StandaloneService[] = [];
  const modules = serviceModules(config, log);
  for (const service of config.lapps.services) {
    if (!service.standalone || !service.auto_start) continue;
    let count = 0;
    for (let instance = 0; instance < service.instances; instance++) {
      if (!runsHere(service.name, instance)) continue;
      count++;
      const standalone = new StandaloneService(
        {
          name: service.name,
          dir: serviceDir(config, service),
          preload: service.preload,
          modules,
          log: luaLog(log, service.name),
          settings: service.settings,
          protocol: serviceProtocol(service),
        },
        instance,
      );
      await standalone.start();
      started.push(standalone);
    }
    if (count > 0)
      log.info({ service: service.name, instances: count }, 'standalone service started');
  }
  return started;
}
