/**
 * The control messages between the primary and its workers, over the cluster IPC channel. They
 * carry the `lapps` key, so they never mix with the application's own messages (`type`). The
 * channel's JSON serialisation is fine here: a few small messages a second per worker.
 */
export type ControlMessage =
  | { lapps: 'ready' }
  | { lapps: 'failed'; reason: string }
  | { lapps: 'ping' }
  | { lapps: 'pong' }
  | { lapps: 'running'; running: string | null }
  | { lapps: 'shutdown' }
  | { lapps: 'reload' };

/** An application message: anything with a string `type`. */
export interface AppMessage {
  type: string;
  [key: string]: unknown;
}

export function isControl(message: unknown): message is ControlMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { lapps?: unknown }).lapps === 'string'
  );
}

export function isAppMessage(message: unknown): message is AppMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string'
  );
}

/** The environment variable that gives a worker its stable index. */
export const WORKER_INDEX_ENV = 'LAPPS_WORKER_INDEX';
