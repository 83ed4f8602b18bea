import type net from 'node:net';
import { connect, TransportError, type TransportErrorCode } from '@lapps/tls-transport';
import { CwsError, type CwsErrorCode } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { OnRead } from './socket-reader.js';
import type { WebSocketTarget } from './url.js';

const CODE_OF: Partial<Record<TransportErrorCode, CwsErrorCode>> = {
  LAPPS_ERR_CONNECT: 'LAPPS_ERR_CWS_CONNECT',
  // tls-transport's deadline is ours: the same handshakeTimeoutMs covers TCP, TLS and HTTP.
  LAPPS_ERR_CONNECT_TIMEOUT: 'LAPPS_ERR_CWS_HANDSHAKE_TIMEOUT',
  LAPPS_ERR_TLS_VERIFY: 'LAPPS_ERR_CWS_TLS_VERIFY',
  LAPPS_ERR_TLS_HANDSHAKE: 'LAPPS_ERR_CWS_TLS',
};

/**
 * Opens the TCP (ws:) or TLS (wss:) connection through @lapps/tls-transport, which verifies the
 * certificate chain and host name unless told not to. Rejects with a CwsError whose `cause` is the
 * TransportError.
 */
export function openSocket(
  target: WebSocketTarget,
  options: ResolvedOptions,
  onread: OnRead | undefined,
): Promise<net.Socket> {
  return connect({
    ...(onread !== undefined && { onread }),
    host: target.host,
    port: target.port,
    tls: target.secure
      ? {
          servername: options.servername,
          ca: options.ca,
          secureContext: options.secureContext,
          rejectUnauthorized: options.rejectUnauthorized,
        }
      : undefined,
    timeoutMs: options.handshakeTimeoutMs,
  }).catch((error: unknown) => {
    throw transportFailure(error, target.href);
  });
}

function transportFailure(error: unknown, url: string): CwsError {
  if (!(error instanceof TransportError)) {
    return new CwsError('LAPPS_ERR_CWS_CONNECT', `${url}: ${String(error)}`, { cause: error });
  }
  const code = CODE_OF[error.code] ?? 'LAPPS_ERR_CWS_CONNECT';
  const what =
    code === 'LAPPS_ERR_CWS_TLS_VERIFY'
      ? 'TLS certificate verification failed'
      : code === 'LAPPS_ERR_CWS_HANDSHAKE_TIMEOUT'
        ? 'handshake timed out'
        : 'connection failed';
  return new CwsError(code, `${url}: ${what}: ${error.message}`, { cause: error });
}
