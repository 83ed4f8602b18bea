import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerTls, TransportError } from '../src/index.js';
import { createTestPki, type ServerCertificate, type TestPki } from './certificates.js';

let pki: TestPki;
let server: ServerCertificate;
let other: ServerCertificate;

beforeAll(() => {
  pki = createTestPki();
  server = pki.issue('server');
  other = pki.issue('other');
});
afterAll(() => pki?.remove());

function failure(run: () => unknown): TransportError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected a TransportError, got none');
}

describe('loadServerTls', () => {
  it('reads cert, key and ca as SecureContextOptions with the minimum version', () => {
    const options = loadServerTls(
      { cert: server.cert, key: server.key, ca: pki.caPath },
      'TLSv1.3',
    );
    expect(options.cert.toString()).toContain('-----BEGIN CERTIFICATE-----');
    expect(options.key.toString()).toContain('PRIVATE KEY-----');
    expect(options.ca?.toString()).toBe(pki.caPem);
    expect(options.minVersion).toBe('TLSv1.3');
    expect(options.maxVersion).toBe('TLSv1.3');
    expect('ca' in loadServerTls({ cert: server.cert, key: server.key }, 'TLSv1.2')).toBe(false);
  });

  it.each(['cert', 'key', 'ca'] as const)('names the missing %s file and its path', (which) => {
    const missing = join(pki.dir, `no-such-${which}.pem`);
    const files = { cert: server.cert, key: server.key, ca: pki.caPath, [which]: missing };
    const error = failure(() => loadServerTls(files, 'TLSv1.2'));
    expect(error.code).toBe('LAPPS_ERR_TLS_FILE');
    expect(error.message).toContain(`TLS ${which} file ${missing}`);
    expect(error.message).toContain('ENOENT');
  });

  it('says when a path is a directory, not a file', () => {
    const error = failure(() => loadServerTls({ cert: pki.dir, key: server.key }, 'TLSv1.2'));
    expect(error.code).toBe('LAPPS_ERR_TLS_FILE');
    expect(error.message).toContain('EISDIR');
  });

  it('detects a key that does not belong to the certificate', () => {
    const error = failure(() => loadServerTls({ cert: server.cert, key: other.key }, 'TLSv1.2'));
    expect(error.code).toBe('LAPPS_ERR_TLS_KEY_MISMATCH');
    expect(error.message).toContain(other.key);
    expect(error.message).toContain(server.cert);
  });

  it.each([
    ['cert', 'this is not PEM\n', 'no PEM certificate'],
    [
      'cert',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      'certificate #1 is not valid',
    ],
    ['key', 'garbage', 'no PEM private key'],
    [
      'key',
      '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      'not a valid private key',
    ],
    [
      'key',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
      'encrypted',
    ],
    ['ca', 'garbage', 'no PEM certificate'],
  ] as const)('rejects a garbage %s file (%j)', (which, contents, why) => {
    const path = join(pki.dir, `garbage-${which}.pem`);
    writeFileSync(path, contents);
    const files = { cert: server.cert, key: server.key, [which]: path };
    const error = failure(() => loadServerTls(files, 'TLSv1.2'));
    expect(error.code).toBe('LAPPS_ERR_TLS_PEM');
    expect(error.message).toContain(`TLS ${which} file ${path}`);
    expect(error.message).toContain(why);
  });

  it('accepts a certificate file followed by its chain', () => {
    const chain = join(pki.dir, 'chain.pem');
    copyFileSync(server.cert, chain);
    writeFileSync(chain, pki.caPem, { flag: 'a' });
    expect(() => loadServerTls({ cert: chain, key: server.key }, 'TLSv1.2')).not.toThrow();
  });
});
