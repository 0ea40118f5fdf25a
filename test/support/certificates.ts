// Certificates for mutual-TLS tests, made with Debian's openssl (.ci/run installs it).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string; certPath: string; keyPath: string };
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all in `dir`. */
export function makeTestPki(dir: string): TestPki {
  const key = (name: string) =>
    openssl(dir, [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      `${name}.key`,
    ]);
  key('ca');
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=warrant test CA',
    '-days',
    '2',
    '-out',
    'ca.pem',
  ]);
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/CN=workload-1', 'extendedKeyUsage=clientAuth'],
  ]) {
    key(name);
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  }
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    ca: read('ca.pem'),
    server: { cert: read('server.pem'), key: read('server.key') },
    client: {
      cert: read('client.pem'),
      key: read('client.key'),
      certPath: join(dir, 'client.pem'),
      keyPath: join(dir, 'client.key'),
    },
  };
}
