// Test certificates, made with the openssl CLI in a temp dir (never committed, never expiring in a
// repo): a CA and server certificates for 'localhost', 127.0.0.1 and ::1 signed by it.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServerCertificate {
  cert: string;
  key: string;
  /** SHA-256 fingerprint as `TLSSocket.getPeerCertificate().fingerprint256` gives it. */
  fingerprint256: string;
}

export interface TestPki {
  dir: string;
  /** CA certificate path and PEM contents. */
  caPath: string;
  caPem: string;
  /** Issues a server certificate (key + cert files named `<name>.key`, `<name>.pem`). */
  issue(name: string, commonName?: string): ServerCertificate;
  remove(): void;
}

function findOpenssl(): string {
  for (const candidate of ['/usr/bin/openssl', '/usr/local/bin/openssl']) {
    if (existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'The TLS tests need the openssl CLI to make their certificates, and it is not installed. ' +
        'Run scripts/setup.sh as root (it installs openssl) or apt-get install -y openssl.',
    );
  }
}

export function createTestPki(): TestPki {
  const openssl = findOpenssl();
  const dir = mkdtempSync(join(tmpdir(), 'lapps-tls-'));
  const run = (args: string[]): void => {
    execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  // P-256 keys: quick to make, and accepted at OpenSSL's default security level.
  run([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caPath,
    '-days',
    '2',
    '-subj',
    '/CN=LAppS test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  let serial = 1;

  return {
    dir,
    caPath,
    caPem: readFileSync(caPath, 'utf8'),
    issue(name: string, commonName = 'localhost'): ServerCertificate {
      const key = join(dir, `${name}.key`);
      const csr = join(dir, `${name}.csr`);
      const cert = join(dir, `${name}.pem`);
      const extensions = join(dir, `${name}.ext`);
      writeFileSync(
        extensions,
        'basicConstraints=CA:FALSE\n' +
          'keyUsage=critical,digitalSignature\n' +
          'extendedKeyUsage=serverAuth\n' +
          `subjectAltName=DNS:${commonName},IP:127.0.0.1,IP:::1\n`,
      );
      run([
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        csr,
        '-subj',
        `/CN=${commonName}`,
      ]);
      run([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caPath,
        '-CAkey',
        caKey,
        '-set_serial',
        String(serial++),
        '-days',
        '2',
        '-out',
        cert,
        '-extfile',
        extensions,
      ]);
      const fingerprint256 = new X509Certificate(readFileSync(cert)).fingerprint256;
      return { cert, key, fingerprint256 };
    },
    remove(): void {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
