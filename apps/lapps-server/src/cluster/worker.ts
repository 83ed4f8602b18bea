/**
 * One worker process of `lapps start` with `workers.workers` > 1: a complete server (TLS, framing,
 * Lua states) for its share of the instances, forwarding the connections of services it does not
 * run to a worker that does (see peer-router.ts).
 */
import type { StandaloneService } from '@lapps/lua-bridge';
import { setBroadcastRelay } from '@lapps/lua-bridge';
import { IpcQueueClient } from '@lapps/mqr';
import { type AppMessage, StallWatch, type WorkerLink } from '@lapps/scheduler';
import type { EffectiveConfig } from '../config/index.js';
import { LappsServer } from '../server/lapps-server.js';
import { createLogger } from '../server/logger.js';
import { networkServiceFactories, startStandaloneServices } from '../server/lua-services.js';
import { setQueueBackendFor, startQueueBackend } from '../server/mqr-backend.js';
import { serverOptionsFrom } from '../server/server-options.js';
import type { ServiceFactory } from '../server/service.js';
import { PeerRouter } from './peer-router.js';
import { localInstances, placementFor } from './placement-for.js';
import { watchedFactory } from './watched-instance.js';

export async function runWorker(config: EffectiveConfig, link: WorkerLink): Promise<void> {
  const index = link.index;
  const workers = config.ws.workers.workers;
  const log = createLogger(config.ws.log.level, config.ws.log.pretty).child({ worker: index });
  const peerDir = process.env.LAPPS_PEER_DIR;
  if (peerDir === undefined)
    throw new Error('LAPPS_PEER_DIR is not set: workers start from `lapps start`');
  try {
    const placement = placementFor(config, workers);
    const mine = placement.byWorker[index] ?? [];
    const watch = new StallWatch({
      timeoutMs: config.ws.workers.stall_timeout_ms,
      names: mine.map((p) => `${p.service}#${p.instance}`),
      worker: index,
    });
    const router = new PeerRouter(peerDir, index, placement, log);
    await router.listen();
    setBroadcastRelay(router.relay);
    // Before any service (network or standalone) is created: they all share this backend. With
    // Redis, it also replaces the peer relay of bcast: every worker of every server subscribes.
    const queues = inServerQueues(config, link);
    const stopRedis =
      config.ws.mqr.backend === 'redis' ? startQueueBackend(config, log) : async () => {};

    const options = serverOptionsFrom(config);
    options.services = options.services.map((route) => ({
      ...route,
      localInstances: localInstances(placement, index, route.name),
    }));
    const factories = new Map<string, ServiceFactory>();
    for (const [name, factory] of networkServiceFactories(config, log)) {
      factories.set(
        name,
        watchedFactory(
          factory,
          (instance) => mine.findIndex((p) => p.service === name && p.instance === instance),
          watch,
        ),
      );
    }
    const server = await LappsServer.start(options, {
      log,
      worker: true,
      services: factories,
      forwarder: (service) => router.forwarder(service),
    });
    router.attach(server);
    let standalone: StandaloneService[] = [];
    try {
      standalone = await startStandaloneServices(config, log, (service, instance) =>
        mine.some((p) => p.service === service && p.instance === instance),
      );
    } catch (error) {
      await server.shutdown();
      throw error;
    }
    link.onShutdown(async () => {
      log.info('shutting down');
      await Promise.all(standalone.map((s) => s.stop()));
      await server.shutdown();
      // Last: network services may still post from onShutdown.
      await queues?.close();
      await stopRedis();
      await router.close();
      watch.stop();
    });
    link.onReload(() => {
      try {
        server.reloadCertificates();
        log.info('TLS certificates reloaded');
      } catch (error) {
        log.error({ err: error }, 'TLS certificate reload failed: keeping the old ones');
      }
    });
    // Watched from now on: starting Lua states may legitimately keep the loop busy for a while.
    watch.start();
    link.send({ type: 'listening', url: server.url });
    link.ready();
  } catch (error) {
    // The primary reports it (`lapps: cannot start: worker N: ...`) and stops the others: this
    // process says it once, in the log, and goes.
    log.error({ err: error }, 'worker failed to start');
    link.failed((error as Error).message);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the IPC message leave
    process.exit(1);
  }
}

/**
 * With `ws.mqr.backend: "in-server"` (the default), mqr's queues live in the primary process: this
 * worker's services reach them through an IpcQueueClient over the link. Undefined otherwise.
 */
function inServerQueues(config: EffectiveConfig, link: WorkerLink): IpcQueueClient | undefined {
  // `redis`: startQueueBackend sets the Redis backend for `config` (runWorker).
  if (config.ws.mqr.backend !== 'in-server') return undefined;
  const client = new IpcQueueClient((message) => link.send(message as AppMessage));
  link.onMessage((message) => client.handle(message));
  setQueueBackendFor(config, client);
  return client;
}
