/**
 * The messages between `IpcQueueClient` (in a worker process) and `IpcQueueHost` (in the primary)
 * over the cluster IPC channel. They are application messages (`type: 'lapps-mqr'`), so they pass
 * `WorkerLink.send` / `Supervisor.send` untouched. The channel serialises as JSON: message bytes
 * travel as base64 strings.
 *
 * Worker to primary:
 * - `post`: append `data` to `queue`; answered by `done` or `error`.
 * - `try`: take the head of `queue` if any; answered by `message`, `empty` or `error`.
 * - `recv`: take the head of `queue`, waiting for one; answered by `message` or `error`.
 * - `cancel`: the worker gave up waiting on its `recv` `id`; not answered. A `message` for that
 *   `id` may still arrive (the host had handed it out first): the worker sends it back with
 *   `return`.
 * - `return`: put `data` back at the HEAD of `queue` (a message nobody in the worker can take).
 *
 * Primary to worker: `done`, `message`, `empty`, `error` (with the MqrError's code), each with the
 * `id` of the request it answers; `message` names its queue too, so that a worker that no longer
 * waits for it can send it back without remembering anything.
 */
import type { MqrErrorCode } from '../errors.js';

export const MQR_IPC_TYPE = 'lapps-mqr';

export type IpcRequest =
  | { type: typeof MQR_IPC_TYPE; op: 'post'; id: number; queue: string; data: string }
  | { type: typeof MQR_IPC_TYPE; op: 'try'; id: number; queue: string }
  | { type: typeof MQR_IPC_TYPE; op: 'recv'; id: number; queue: string }
  | { type: typeof MQR_IPC_TYPE; op: 'cancel'; id: number }
  | { type: typeof MQR_IPC_TYPE; op: 'return'; queue: string; data: string };

export type IpcReply =
  | { type: typeof MQR_IPC_TYPE; op: 'done'; id: number }
  | { type: typeof MQR_IPC_TYPE; op: 'message'; id: number; queue: string; data: string }
  | { type: typeof MQR_IPC_TYPE; op: 'empty'; id: number }
  | { type: typeof MQR_IPC_TYPE; op: 'error'; id: number; code: MqrErrorCode; message: string };

const ERROR_CODES: ReadonlySet<string> = new Set<MqrErrorCode>([
  'LAPPS_ERR_MQR_QUEUE_FULL',
  'LAPPS_ERR_MQR_TOO_BIG',
  'LAPPS_ERR_MQR_UNAVAILABLE',
  'LAPPS_ERR_MQR_CANCELLED',
  'LAPPS_ERR_MQR_CLOSED',
  'LAPPS_ERR_MQR_INVALID_ARGUMENT',
]);

/** True for any message of this protocol (well formed or not). */
export function isMqrIpc(message: unknown): message is { type: typeof MQR_IPC_TYPE } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === MQR_IPC_TYPE
  );
}

export function isErrorCode(code: unknown): code is MqrErrorCode {
  return typeof code === 'string' && ERROR_CODES.has(code);
}

export function encodeBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** A plain Uint8Array view of the decoded bytes (no copy). */
export function decodeBytes(data: string): Uint8Array {
  const buffer = Buffer.from(data, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id);
}

/** The request `message` is, or undefined when it is malformed. */
export function parseRequest(message: { type: typeof MQR_IPC_TYPE }): IpcRequest | undefined {
  const m = message as Record<string, unknown>;
  switch (m.op) {
    case 'post':
      return isId(m.id) && typeof m.queue === 'string' && typeof m.data === 'string'
        ? (m as IpcRequest)
        : undefined;
    case 'try':
    case 'recv':
      return isId(m.id) && typeof m.queue === 'string' ? (m as IpcRequest) : undefined;
    case 'cancel':
      return isId(m.id) ? (m as IpcRequest) : undefined;
    case 'return':
      return typeof m.queue === 'string' && typeof m.data === 'string'
        ? (m as IpcRequest)
        : undefined;
    default:
      return undefined;
  }
}

/** The reply `message` is, or undefined when it is malformed. */
export function parseReply(message: { type: typeof MQR_IPC_TYPE }): IpcReply | undefined {
  const m = message as Record<string, unknown>;
  if (!isId(m.id)) return undefined;
  switch (m.op) {
    case 'done':
    case 'empty':
      return m as IpcReply;
    case 'message':
      return typeof m.queue === 'string' && typeof m.data === 'string'
        ? (m as IpcReply)
        : undefined;
    case 'error':
      return isErrorCode(m.code) && typeof m.message === 'string' ? (m as IpcReply) : undefined;
    default:
      return undefined;
  }
}
