import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizedClient, loadCredentialsFile } from '../../src/index.js';
import type { Step } from '../tour.js';

export const federation: Step = {
  title: "Workload identity federation: a CI job's OIDC token → STS → impersonation → API",
  explain:
    'Federation: a CI job (GitHub Actions, GitLab) trades the OIDC token its provider mounts for a Google token at STS, then acts as a service account; no key is stored in CI.',
  file: 'steps/federation.ts',
  async run({ emulator, show, check }) {
    const dir = await mkdtemp(join(tmpdir(), 'warrant-demo-ci-'));
    try {
      // The emulator plays the CI provider (a fake IdP with its JWKS), STS and IAM.
      const { federation } = emulator.state;
      const { audience } = federation.createProvider('oidc');
      const subject = 'repo:example/app:ref:refs/heads/main';
      const tokenFile = join(dir, 'oidc-token');
      const ciToken = await federation.idp.issueToken({ audience, subject });
      await writeFile(tokenFile, ciToken, { mode: 0o600 });
      const deployer = emulator.createServiceAccount();
      const pool = audience.replace(/\/providers\/[^/]+$/, '');
      emulator.grantTokenCreator(`principal:${pool}/subject/${subject}`, deployer.client_email);

      // What `gcloud iam workload-identity-pools create-cred-config` writes.
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
      const sts = emulator.hits.sts ?? 0;
      const iam = emulator.hits.generateAccessToken ?? 0;
      const credentials = await loadCredentialsFile(configFile); // as ADC would
      const response = await new AuthorizedClient(credentials).fetch(emulator.echoUrl);
      const { principal } = (await response.json()) as { principal: string };
      show('subject', `${subject} (verified by STS against the IdP's keys)`);
      show(
        'calls',
        `STS ${emulator.hits.sts - sts}, IAM generateAccessToken ${emulator.hits.generateAccessToken - iam}`,
      );
      show('echo API', `HTTP ${response.status} as ${principal}`);
      check(response.status === 200 && principal === deployer.client_email, 'the federated call');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
