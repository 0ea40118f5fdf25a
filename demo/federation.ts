// Workload identity federation as a CI job sees it: the CI provider's OIDC token file → STS →
// service account impersonation → an API call, all against the emulator.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizedClient, loadCredentialsFile } from '../src/index.js';
import type { Emulator } from '../src/testing/index.js';

/**
 * Writes the token a CI provider would mount and the credential configuration `gcloud iam
 * workload-identity-pools create-cred-config` would generate, loads it like ADC does, and calls
 * the echo API as the impersonated service account. Returns whether the call succeeded.
 */
export async function federatedLogin(
  emulator: Emulator,
  step: (title: string, ...details: string[]) => void,
): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'warrant-demo-ci-'));
  try {
    const { federation } = emulator.state;
    const { audience } = federation.createProvider('oidc');
    const subject = 'repo:example/app:ref:refs/heads/main';
    const tokenFile = join(dir, 'oidc-token');
    await writeFile(tokenFile, await federation.idp.issueToken({ audience, subject }), {
      mode: 0o600,
    });
    const deployer = emulator.createServiceAccount();
    const pool = audience.replace(/\/providers\/[^/]+$/, '');
    emulator.grantTokenCreator(`principal:${pool}/subject/${subject}`, deployer.client_email);

    const configFile = join(dir, 'credential-config.json');
    await writeFile(
      configFile,
      JSON.stringify({
        type: 'external_account',
        audience,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${emulator.url}/v1/token`,
        service_account_impersonation_url: `${emulator.url}/v1/projects/-/serviceAccounts/${deployer.client_email}:generateAccessToken`,
        credential_source: { file: tokenFile },
      }),
    );
    emulator.resetHits();
    const credentials = await loadCredentialsFile(configFile);
    const response = await new AuthorizedClient(credentials).fetch(emulator.echoUrl);
    const { principal } = (await response.json()) as { principal: string };
    step(
      'Workload identity federation: CI OIDC token file → STS → impersonation → API',
      `subject  ${subject} (verified by STS against the IdP's JWKS)`,
      `calls    STS ${emulator.hits.sts}, IAM generateAccessToken ${emulator.hits.generateAccessToken}`,
      `echo API HTTP ${response.status}, principal ${principal}`,
    );
    return response.status === 200 && principal === deployer.client_email;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
