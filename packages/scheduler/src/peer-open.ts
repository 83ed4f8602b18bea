import { SchedulerError } from './scheduler-error.js';

/** What an Open frame says about a forwarded client connection. */
export interface PeerOpen {
  /** The service the client asked for (the request target). */
  service: string;
  /** The client's address, as the accepting worker saw it (for logs and ACLs in the service). */
  remoteAddress: string;
}

// UTF-8 JSON rather than a packed binary: an Open frame is sent once per forwarded connection, next
// to a TCP accept and an HTTP handshake that cost far more than a JSON.parse, and JSON lets later
// versions add fields (subprotocol, headers) without a format change.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The payload of an Open frame. */
export function encodePeerOpen(open: PeerOpen): Uint8Array {
  return encoder.encode(
    JSON.stringify({ service: open.service, remoteAddress: open.remoteAddress }),
  );
}

/** Reads the payload of an Open frame; throws `LAPPS_ERR_PEER_FRAME` when it is not one. */
export function decodePeerOpen(payload: Uint8Array): PeerOpen {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch (error) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_FRAME',
      `peer Open frame: payload is not UTF-8 JSON (${(error as Error).message})`,
    );
  }
  const fields = value as Partial<Record<keyof PeerOpen, unknown>> | null;
  if (
    typeof fields !== 'object' ||
    fields === null ||
    typeof fields.service !== 'string' ||
    typeof fields.remoteAddress !== 'string'
  ) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_FRAME',
      `peer Open frame: expected {"service": string, "remoteAddress": string}, got ${JSON.stringify(value)}`,
    );
  }
  return { service: fields.service, remoteAddress: fields.remoteAddress };
}
