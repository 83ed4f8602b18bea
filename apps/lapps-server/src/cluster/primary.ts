/**
 * The primary process of `lapps start` with `workers.workers` > 1: it prints the placement, starts
 * the workers (node:cluster shares the listening port among them), restarts any that crash or
 * stall, and on SIGTERM/SIGINT shuts them all down gracefully; SIGHUP reloads their certificates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpcQueueHost, LocalQueues, redactRedisUrl } from '@lapps/mqr';
import { type AppMessage, Supervisor } from '@lapps/scheduler';
import type { EffectiveConfig } from '../config/index.js';
import { createLogger } from '../server/logger.js';
import { queueLimits } from '../server/mqr-backend.js';
import { placementFor } from './placement-for.js';
import { handleProcessSignals } from '../server/process-signals.js';

export interface RunningCluster {
  url: string;
  close(): Promise<void>;
}

/** Extra time, over the workers' own shutdown timeout, before the primary kills a worker. */
const SHUTDOWN_GRACE_MS = 5000;

export async function runPrimary(config: EffectiveConfig): Promise<RunningCluster> {
  const log = createLogger(config.ws.log.level, config.ws.log.pretty).child({ primary: true });
  const workers = config.ws.workers.workers;
  const placement = placementFor(config, workers);
  // `lapps start` shows where everything runs, whatever the log level (as `listening on`).
  const announce = (message: string, fields: Record<string, unknown> = {}) => {
    if (log.isLevelEnabled('info')) log.info(fields, message);
    else process.stdout.write(`${message}\n`);
  };
  announce(`${workers} worker processes`, { workers });
  for (const line of placement.describe().split('\n')) announce(line);
  for (const note of config.notes) log.info(note);

  // Unix sockets of the peer channels: short paths (Linux allows 107 bytes).
  const peerDir = mkdtempSync(join(tmpdir(), 'lapps-'));
  const removePeerDir = () => rmSync(peerDir, { recursive: true, force: true });
  let url: string | undefined;
  const supervisor = new Supervisor({
    workers,
    exec: process.argv[1]!,
    args: process.argv.slice(2),
    env: () => ({ LAPPS_PEER_DIR: peerDir }),
    heartbeat: { intervalMs: 1000, timeoutMs: 2 * config.ws.workers.stall_timeout_ms },
    log: (level, message, fields) => log[level](fields ?? {}, message),
  });
  supervisor.onMessage((_index, message) => {
    if (message.type === 'listening' && typeof message.url === 'string') url ??= message.url;
  });
  // Before the workers start: their standalone services may use the queues from `init()` on.
  if (serveQueues(config, supervisor)) {
    log.info({ mqrBackend: 'in-server' }, 'mqr backend: in-server (queues in the primary process)');
  } else {
    const where = redactRedisUrl(config.ws.mqr.redis.url);
    log.info(
      { mqrBackend: 'redis', url: where },
      `mqr backend: redis at ${where} (each worker connects)`,
    );
  }
  try {
    await supervisor.start();
  } catch (error) {
    removePeerDir();
    throw error;
  }
  const listening = url ?? `${config.ws.tls ? 'wss' : 'ws'}://${config.ws.ip}:${config.ws.port}`;
  // Scripts (and tests) wait for this line.
  announce(`listening on ${listening}`, { url: listening });

  let stopping: Promise<void> | undefined;
  const close = () => {
    stopping ??= supervisor
      .shutdown(config.ws.shutdown_timeout_ms + SHUTDOWN_GRACE_MS)
      .finally(removePeerDir);
    return stopping;
  };
  handleProcessSignals(log, {
    stopping: 'shutting down the workers',
    shutdown: close,
    reload: () => {
      log.info('reloading TLS certificates in every worker');
      supervisor.reload();
    },
  });
  return { url: listening, close };
}

/**
 * mqr's in-server queues (`ws.mqr.backend: "in-server"`, the default): they live here, in one
 * LocalQueues, and every worker's IpcQueueClient reaches them over the cluster IPC channel. A
 * worker that exits has its waiting receives cancelled (a message never goes to a dead worker).
 * False when the queues live elsewhere.
 */
function serveQueues(config: EffectiveConfig, supervisor: Supervisor): boolean {
  // `redis`: each worker talks to Redis itself (wired in worker.ts); the primary holds no queues.
  // Hook: a primary-side part of the Redis backend, if it ever needs one, is started here.
  if (config.ws.mqr.backend !== 'in-server') return false;
  const host = new IpcQueueHost(new LocalQueues(queueLimits(config)));
  supervisor.onMessage((index, message) => {
    host.handle(index, message, (reply) => supervisor.send(index, reply as AppMessage));
  });
  supervisor.onWorkerExit((index) => host.forgetWorker(index));
  return true;
}
