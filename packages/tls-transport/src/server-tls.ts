import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { TransportError } from './errors.js';
import type { TlsMinVersion } from './tls-version.js';

/** PEM file paths, as in ws.json `tls_certificates`. */
export interface TlsFiles {
  /** The server certificate, optionally followed by its intermediates. */
  cert: string;
  key: string;
  /** CA certificates used to complete the chain sent to clients. */
  ca?: string;
}

/** What `loadServerTls` read: valid `tls.SecureContextOptions`. */
export interface ServerTlsOptions {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  minVersion: TlsMinVersion;
  maxVersion: 'TLSv1.3';
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Reads and checks the server's PEM files (synchronously: it runs at start and on reload, and a
 * half-read set must never be used). Throws `TransportError` with `LAPPS_ERR_TLS_FILE` (a file
 * cannot be read), `LAPPS_ERR_TLS_PEM` (not PEM, or not what the key expects) or
 * `LAPPS_ERR_TLS_KEY_MISMATCH` (the key is not the certificate's).
 */
export function loadServerTls(files: TlsFiles, minVersion: TlsMinVersion): ServerTlsOptions {
  const cert = readPem(files.cert, 'cert');
  const key = readPem(files.key, 'key');
  const ca = files.ca === undefined ? undefined : readPem(files.ca, 'ca');

  const certificates = parseCertificates(cert, files.cert, 'cert');
  if (ca !== undefined) parseCertificates(ca, files.ca ?? '', 'ca');
  const privateKey = parsePrivateKey(key, files.key);
  const leaf = certificates[0]!;
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TransportError(
      'LAPPS_ERR_TLS_KEY_MISMATCH',
      `TLS key ${files.key} does not match the certificate ${files.cert} (subject ${leaf.subject.replaceAll('\n', ', ')})`,
    );
  }
  const options: ServerTlsOptions = { cert, key, minVersion, maxVersion: 'TLSv1.3' };
  if (ca !== undefined) options.ca = ca;
  return options;
}

/**
 * A SecureContext from checked material. OpenSSL can still refuse what parsed (a key too weak for
 * its security level, say): that is `LAPPS_ERR_TLS_CONTEXT`, with OpenSSL's reason.
 */
export function createServerContext(options: ServerTlsOptions, files: TlsFiles): tls.SecureContext {
  try {
    return tls.createSecureContext(options);
  } catch (error) {
    throw new TransportError(
      'LAPPS_ERR_TLS_CONTEXT',
      `TLS certificate ${files.cert} with key ${files.key}: OpenSSL refused them: ${reasonOf(error)}`,
      { cause: error },
    );
  }
}

function readPem(path: string, which: keyof TlsFiles): Buffer {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TransportError(
      'LAPPS_ERR_TLS_FILE',
      `TLS ${which} file: expected a path, got ${JSON.stringify(path)}`,
    );
  }
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TransportError(
      'LAPPS_ERR_TLS_FILE',
      `TLS ${which} file ${path}: cannot read it: ${reasonOf(error)}`,
      { cause: error },
    );
  }
}

/** Every CERTIFICATE block of a file, parsed, so that a damaged intermediate fails here too. */
function parseCertificates(pem: Buffer, path: string, which: 'cert' | 'ca'): X509Certificate[] {
  const blocks = pemBlocks(pem).filter((block) => block.label === 'CERTIFICATE');
  if (blocks.length === 0) {
    throw new TransportError(
      'LAPPS_ERR_TLS_PEM',
      `TLS ${which} file ${path}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`,
    );
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block.text);
    } catch (error) {
      throw new TransportError(
        'LAPPS_ERR_TLS_PEM',
        `TLS ${which} file ${path}: certificate #${index + 1} is not valid: ${reasonOf(error)}`,
        { cause: error },
      );
    }
  });
}

function parsePrivateKey(pem: Buffer, path: string): KeyObject {
  const block = pemBlocks(pem).find((candidate) => candidate.label.endsWith('PRIVATE KEY'));
  if (block === undefined) {
    throw new TransportError(
      'LAPPS_ERR_TLS_PEM',
      `TLS key file ${path}: no PEM private key in it (expected -----BEGIN PRIVATE KEY----- or similar)`,
    );
  }
  if (block.label === 'ENCRYPTED PRIVATE KEY' || block.text.includes('Proc-Type: 4,ENCRYPTED')) {
    // The original read keys without a passphrase too; a prompt cannot work in a daemon.
    throw new TransportError(
      'LAPPS_ERR_TLS_PEM',
      `TLS key file ${path}: the key is encrypted; give an unencrypted key (readable only by the server's user)`,
    );
  }
  try {
    return createPrivateKey(block.text);
  } catch (error) {
    throw new TransportError(
      'LAPPS_ERR_TLS_PEM',
      `TLS key file ${path}: not a valid private key: ${reasonOf(error)}`,
      { cause: error },
    );
  }
}

function pemBlocks(pem: Buffer): { label: string; text: string }[] {
  const text = pem.toString('latin1');
  return Array.from(text.matchAll(PEM_BLOCK), (match) => ({
    label: match[1] ?? '',
    text: match[0],
  }));
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}
