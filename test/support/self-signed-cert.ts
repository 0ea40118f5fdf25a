import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A TLS certificate and its key, PEM. */
export interface CertificatePem {
  cert: string;
  key: string;
}

/**
 * A fresh self-signed P-256 certificate for `localhost` and 127.0.0.1, made by the system
 * `openssl` (.ci/run installs it), so no key or certificate is committed.
 */
export async function selfSignedLoopbackCert(): Promise<CertificatePem> {
  const dir = await mkdtemp(join(tmpdir(), 'warrant-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]);
    return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
