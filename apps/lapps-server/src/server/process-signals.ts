/**
 * How a `lapps start` process answers signals, the same in a one-process server and in the
 * primary of several workers: SIGTERM and SIGINT shut down once and exit 0 (1 when the shutdown
 * fails), SIGHUP reloads the TLS certificates.
 */
import type { Logger } from './logger.js';

export function handleProcessSignals(
  log: Logger,
  what: { shutdown(): Promise<void>; reload(): void; stopping: string },
): void {
  const stop = (signal: string) => {
    log.info({ signal }, what.stopping);
    what.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => what.reload());
}
