import type { EffectiveConfig } from '../config/index.js';
import { LappsServer } from './lapps-server.js';
import { createLogger } from './logger.js';
import { networkServiceFactories, startStandaloneServices } from './lua-services.js';
import { startQueueBackend } from './mqr-backend.js';
import { handleProcessSignals } from './process-signals.js';
import { serverOptionsFrom } from './server-options.js';
import type { StandaloneService } from '@lapps/lua-bridge';
import { WorkerLink } from '@lapps/scheduler';
import { runPrimary } from '../cluster/primary.js';
import { runWorker } from '../cluster/worker.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the server of `lapps start`: logs to stdout, shuts down gracefully on SIGTERM/SIGINT
 * (exit 0), reloads the TLS certificates on SIGHUP.
 */
export async function startServer(config: EffectiveConfig): Promise<RunningServer> {
  if (config.ws.workers.workers > 1) {
    // The same command runs in the primary and, forked by it, in every worker.
    const link = WorkerLink.current();
    if (link === undefined) return runPrimary(config);
    await runWorker(config, link);
    return { url: '', close: async () => {} };
  }
  const log = createLogger(config.ws.log.level, config.ws.log.pretty);
  for (const note of config.notes) log.info(note);
  const stopQueues = startQueueBackend(config, log);
  let server: LappsServer;
  try {
    server = await LappsServer.start(serverOptionsFrom(config), {
      log,
      announce: true,
      services: networkServiceFactories(config, log),
    });
  } catch (error) {
    await stopQueues();
    throw error;
  }
  let standalone: StandaloneService[];
  try {
    standalone = await startStandaloneServices(config, log);
  } catch (error) {
    await server.shutdown();
    await stopQueues();
    throw error;
  }
  const shutdown = async () => {
    await Promise.all(standalone.map((s) => s.stop()));
    await server.shutdown();
    await stopQueues();
  };
  handleProcessSignals(log, {
    stopping: 'shutting down',
    shutdown,
    reload: () => {
      try {
        server.reloadCertificates();
        log.info('TLS certificates reloaded');
      } catch (error) {
        log.error({ err: error }, 'TLS certificate reload failed: keeping the old ones');
      }
    },
  });
  return { url: server.url, close: shutdown };
}

export { LappsServer } from './lapps-server.js';
export type { StartDependencies } from './lapps-server.js';
export { serverOptionsFrom } from './server-options.js';
