// Loopback ports and the self-signed certificate the TLS runs use.
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export function canConnect(port) {
  return new Promise((res) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      res(true);
    });
    s.on('error', () => res(false));
  });
}

/**
 * A self-signed certificate for 127.0.0.1 in `dir` (the openssl CLI): `{ cert, key }` file paths,
 * or `{ problem }` saying why TLS runs are skipped.
 */
export function makeCertificate(dir) {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
    ].concat(['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]),
    { encoding: 'utf8' },
  );
  if (r.error)
    return { problem: 'TLS skipped: the openssl CLI was not found (it makes the certificate)' };
  if (r.status !== 0)
    return { problem: `TLS skipped: openssl failed: ${r.stderr.trim().split('\n').pop()}` };
  return { cert, key };
}
