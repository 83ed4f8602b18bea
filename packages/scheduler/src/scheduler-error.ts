/**
 * Every failure of @lapps/scheduler, by stable code. The code is what callers switch on; the
 * message is for people (it names the worker, service or path at fault) and may change.
 */
export type SchedulerErrorCode =
  // Our callers' mistakes: a worker count, an instance count, an exec path out of range.
  | 'LAPPS_ERR_SCHED_ARGUMENT'
  // A worker sent `failed`, exited or was not ready in time while the Supervisor started.
  | 'LAPPS_ERR_SCHED_START'
  // Worker-side API used outside a worker started by a Supervisor.
  | 'LAPPS_ERR_SCHED_NOT_WORKER'
  // The binary channel between workers (peer-*.ts).
  | 'LAPPS_ERR_PEER_CONNECT'
  | 'LAPPS_ERR_PEER_FRAME'
  | 'LAPPS_ERR_PEER_FRAME_TOO_BIG'
  | 'LAPPS_ERR_PEER_LISTEN'
  | 'LAPPS_ERR_PEER_PATH';

/** The one error class of @lapps/scheduler; `cause` keeps the Node error underneath, if any. */
export class SchedulerError extends Error {
  readonly code: SchedulerErrorCode;

  constructor(code: SchedulerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchedulerError';
    this.code = code;
  }
}
