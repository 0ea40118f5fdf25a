import assert from 'node:assert/strict';
import { NetworkError, SubjectTokenError } from '../src/errors.js';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { makeTestPki, type TestPki } from './support/certificates.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { scratchDir, writeScratch } from './support/federation.js';
import { assertNoSecrets } from './support/secrets.js';

const MTLS_TYPE = 'urn:ietf:params:oauth:token-type:mtls';

describe('ExternalAccountCredentials: X.509 certificate source', () => {
  const emulator = useEmulator();
  let dir: string;
  let pki: TestPki;
  let mtlsUrl: string;
  let configPath: string;
  before(async () => {
    dir = await scratchDir();
    pki = makeTestPki(dir);
    mtlsUrl = await emulator.current.listenMutualTls({ ...pki.server, ca: pki.ca });
    configPath = await writeScratch(
      dir,
      'certificate_config.json',
      JSON.stringify({
        cert_configs: {
          workload: { cert_path: pki.client.certPath, key_path: pki.client.keyPath },
        },
      }),
    );
  });

  function config(audience: string, certificate: Record<string, unknown>): Record<string, unknown> {
    return {
      type: 'external_account',
      audience,
      subject_token_type: MTLS_TYPE,
      token_url: `${mtlsUrl}/v1/token`,
      credential_source: { certificate },
    };
  }

  it('authenticates to STS with mutual TLS and sends its certificate chain as the subject token', async () => {
    const { audience } = emulator.current.state.federation.createProvider('x509');
    const credentials = ExternalAccountCredentials.fromJson(
      config(audience, { certificate_config_location: configPath }),
      { stsCa: pki.ca },
    );
    const record = emulator.current.state.activeAccessToken(await credentials.getAccessToken());
    assert.match(record?.principal ?? '', /subject\/CN=workload-1$/);
  });

  it('finds the certificate configuration through GOOGLE_API_CERTIFICATE_CONFIG', async () => {
    const { audience } = emulator.current.state.federation.createProvider('x509');
    const credentials = ExternalAccountCredentials.fromJson(
      config(audience, { use_default_certificate_config: true }),
      { stsCa: pki.ca, env: { GOOGLE_API_CERTIFICATE_CONFIG: configPath } },
    );
    assert.ok(await credentials.getAccessToken());
  });

  it('fails with a network error, not a secret, when the TLS endpoint refuses a foreign certificate', async () => {
    const { audience } = emulator.current.state.federation.createProvider('x509');
    const foreignDir = await scratchDir();
    const foreign = makeTestPki(foreignDir);
    const foreignConfig = await writeScratch(
      foreignDir,
      'certificate_config.json',
      JSON.stringify({
        cert_configs: {
          workload: { cert_path: foreign.client.certPath, key_path: foreign.client.keyPath },
        },
      }),
    );
    const credentials = ExternalAccountCredentials.fromJson(
      config(audience, { certificate_config_location: foreignConfig }),
      { stsCa: pki.ca, http: FAST_HTTP },
    );
    const error = await credentials.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.code, 'ERR_NETWORK');
    assertNoSecrets(error, [foreign.client.key, pki.client.key]);
  });

  it('names a certificate configuration without the workload paths', async () => {
    const { audience } = emulator.current.state.federation.createProvider('x509');
    const bad = await writeScratch(dir, 'bad-config.json', '{"cert_configs":{}}');
    const credentials = ExternalAccountCredentials.fromJson(
      config(audience, { certificate_config_location: bad }),
    );
    const error = await credentials.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof SubjectTokenError);
    assert.match(error.message, /cert_configs\.workload\.cert_path/);
  });
});
