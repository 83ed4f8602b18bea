/**
 * The LAppS message shapes (LAppS 0.9 protocol specification; reference section 4). LAppS is
 * JSON-RPC 2.0 cut down: no `jsonrpc` and no `id`. Responses travel on channel 0 in request order,
 * so a client matches them by position, not by id.
 */

/** The value of `lapps` in every request and client notification. */
export const LAPPS_VERSION = 1;

/** The control channel (CCH): responses to requests travel on it. */
export const CONTROL_CHANNEL = 0;

/** `status` of a response on the control channel. */
export const ResponseStatus = {
  Error: 0,
  Success: 1,
} as const;
export type ResponseStatus = (typeof ResponseStatus)[keyof typeof ResponseStatus];

/**
 * The type number the server passes to a LAppS service's `onMessage(handler, type, message)`.
 * A client notification (CN) is a request with a numeric `cid`; "with params" means a non-empty
 * `params` array (an empty one counts as none, as in the original).
 */
export const InboundType = {
  Notification: 1,
  NotificationWithParams: 2,
  Request: 3,
  RequestWithParams: 4,
} as const;
export type InboundType = (typeof InboundType)[keyof typeof InboundType];

/** Client → server: `{lapps: 1, method, params?}`. The server answers it on channel 0. */
export interface Request {
  lapps: typeof LAPPS_VERSION;
  method: string;
  params?: unknown[];
}

/** Client → server: a request plus a numeric `cid`. The server does not answer it. */
export interface ClientNotification extends Request {
  cid: number;
}

/** What a client may send. */
export type InboundMessage = Request | ClientNotification;

/** The `error` member of an error response. */
export interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** Server → client on channel 0: `{cid: 0, status: 1, result: [...]}`. */
export interface SuccessResponse {
  cid: typeof CONTROL_CHANNEL;
  status: typeof ResponseStatus.Success;
  result: unknown[];
}

/** Server → client on channel 0: `{cid: 0, status: 0, error: {code, message, data?}}`. */
export interface ErrorResponse {
  cid: typeof CONTROL_CHANNEL;
  status: typeof ResponseStatus.Error;
  error: ErrorObject;
}

export type Response = SuccessResponse | ErrorResponse;

/**
 * Server → client on an application channel `cid != 0`: an out-of-order notification (OON).
 * `status` is optional here: the original's `ws:send` demanded it on OONs although the
 * specification does not, so services written for it send `status: 1`; we accept and keep it.
 */
export interface OutOfOrderMessage {
  cid: number;
  status?: typeof ResponseStatus.Success;
  message: unknown[];
}

/** What a server may send. */
export type ServerMessage = Response | OutOfOrderMessage;

/** A decoded inbound message with the type number the service sees. */
export interface DecodedInbound {
  type: InboundType;
  message: InboundMessage;
}
