import { SchedulerError } from './scheduler-error.js';

// sockaddr_un.sun_path is 108 bytes on Linux, one of which is the terminating NUL. A longer path
// does not fail cleanly everywhere: some platforms truncate it, so two workers could meet at a path
// neither asked for.
export const MAX_SOCKET_PATH_BYTES = 107;

/** Throws `LAPPS_ERR_PEER_PATH` unless `path` fits in a Unix socket address. */
export function checkSocketPath(path: string): string {
  const bytes = Buffer.byteLength(path);
  if (path.length === 0 || bytes > MAX_SOCKET_PATH_BYTES) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_PATH',
      `peer socket path "${path}" is ${bytes} bytes; a Unix socket path must be 1 to ${MAX_SOCKET_PATH_BYTES} bytes (choose a shorter directory)`,
    );
  }
  return path;
}

/**
 * The Unix socket path worker `workerIndex` listens on for its peers.
 *
 * @example
 * peerSocketPath('/run/lapps', 3); // '/run/lapps/w3.sock'
 */
export function peerSocketPath(dir: string, workerIndex: number): string {
  if (!Number.isInteger(workerIndex) || workerIndex < 0) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_PATH',
      `peer socket path: worker index: expected an integer >= 0, got ${workerIndex}`,
    );
  }
  const base = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return checkSocketPath(`${base}/w${workerIndex}.sock`);
}
