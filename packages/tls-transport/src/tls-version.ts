import { TransportError } from './errors.js';

/** The lowest TLS version a side accepts; the highest is always TLS 1.3. */
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

/**
 * Maps LAppS's `tls_server_version` / `tls_client_version` (3 = TLS 1.2, 4 = TLS 1.3) to a minimum
 * version. 3 keeps accepting 1.3 peers: the original's 3 meant "at least 1.2" in practice.
 */
export function tlsMinVersion(lappsVersion: number): TlsMinVersion {
  if (lappsVersion === 3) return 'TLSv1.2';
  if (lappsVersion === 4) return 'TLSv1.3';
  throw new TransportError(
    'LAPPS_ERR_BAD_TLS_VERSION',
    `TLS version: expected 3 (TLS 1.2) or 4 (TLS 1.3), got ${JSON.stringify(lappsVersion)}`,
  );
}
