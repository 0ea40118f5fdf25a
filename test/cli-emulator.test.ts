import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/cli/io.js';
import { runCli } from '../src/cli/run.js';
import { loadCredentialsFile } from '../src/adc/load-credentials.js';
import { readClientSecretsFile } from '../src/flows/client-secrets.js';

describe('warrant emulator', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warrant-cli-emulator-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints its URLs, writes key, client secrets and ADC files that work against it, and stops on Ctrl-C', async () => {
    const stop = new AbortController();
    let stderr = '';
    let ready = () => {};
    const started = new Promise<void>((resolve) => (ready = resolve));
    const io: CliIo = {
      stdout: () => assert.fail('nothing goes to stdout'),
      stderr: (text) => {
        stderr += text;
        if (stderr.includes('Ctrl-C stops it.')) ready();
      },
      env: {},
      homedir: dir,
      platform: 'linux',
      openBrowser: async () => false,
      signal: stop.signal,
    };
    const files = join(dir, 'files');
    const exit = runCli(['emulator', '--dir', files], io);
    await started;
    const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    assert.ok(url, stderr);
    assert.match(
      stderr,
      /OIDC discovery {4}http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration/,
    );
    assert.match(stderr, /export GOOGLE_APPLICATION_CREDENTIALS=.*service-account-key\.json/);

    const serviceAccount = await loadCredentialsFile(join(files, 'service-account-key.json'), {
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    const user = await loadCredentialsFile(join(files, 'application_default_credentials.json'));
    for (const credentials of [serviceAccount, user]) {
      const response = await fetch(`${url}/api/whoami`, {
        headers: await credentials.getRequestHeaders(`${url}/api/whoami`),
      });
      assert.equal(response.status, 200, `${credentials.type}: ${await response.text()}`);
    }
    const client = await readClientSecretsFile(join(files, 'client_secret.json'));
    assert.equal(client.tokenUri, `${url}/token`);
    assert.equal(
      JSON.parse(await readFile(join(files, 'client_secret.json'), 'utf8')).installed.client_id,
      client.clientId,
    );

    stop.abort();
    assert.equal(await exit, 0);
    assert.match(stderr, /Emulator stopped\./);
    await assert.rejects(fetch(url), 'the emulator no longer listens');
  });
});
