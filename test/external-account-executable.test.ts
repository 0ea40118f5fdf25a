import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AuthError } from '../src/errors.js';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { ExecutableSubjectTokenSource } from '../src/external-account/executable-source.js';
import { useEmulator } from './support/emulator.js';
import { oidcConfig, scratchDir, writeScratch } from './support/federation.js';
import { assertNoSecrets } from './support/secrets.js';

const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const ALLOW = { GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES: '1', PATH: process.env.PATH };

describe('ExternalAccountCredentials: executable source', () => {
  const emulator = useEmulator();
  let dir: string;
  let audience: string;
  let jwt: string;
  before(async () => {
    dir = await scratchDir();
    ({ audience } = emulator.current.state.federation.createProvider('oidc'));
    jwt = await emulator.current.state.federation.idp.issueToken({ audience });
  });

  const inFuture = () => Math.floor(Date.now() / 1000) + 3600;
  const success = (token: string, expiration = inFuture()) =>
    JSON.stringify({
      version: 1,
      success: true,
      token_type: ID_TOKEN_TYPE,
      id_token: token,
      expiration_time: expiration,
    });

  /** A shell script printing `stdout` and exiting with `exit`; it records its environment. */
  async function script(name: string, stdout: string, exit = 0, before = ''): Promise<string> {
    const envFile = join(dir, `${name}.env`);
    return writeScratch(
      dir,
      name,
      `#!/bin/sh\n${before}\nenv > '${envFile}'\ncat <<'JSON'\n${stdout}\nJSON\nexit ${exit}\n`,
    );
  }

  function credentials(
    command: string,
    env: NodeJS.ProcessEnv = ALLOW,
    extra: Record<string, unknown> = {},
  ) {
    return ExternalAccountCredentials.fromJson(
      oidcConfig(
        emulator.current,
        audience,
        { executable: { command, ...extra } },
        {
          subject_token_type: ID_TOKEN_TYPE,
        },
      ),
      { env },
    );
  }

  async function failure(promise: Promise<unknown>): Promise<AuthError> {
    const error = await promise.catch((e: unknown) => e);
    assert.ok(error instanceof AuthError, String(error));
    assertNoSecrets(error, [jwt]);
    return error;
  }

  it('refuses to run an executable unless GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1', async () => {
    const command = await script('refused.sh', success(jwt));
    const error = await failure(credentials(command, { PATH: process.env.PATH }).getAccessToken());
    assert.equal(error.code, 'ERR_EXECUTABLE_NOT_ALLOWED');
    assert.match(error.message, /GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1/);
  });

  it('runs the executable with the documented environment and exchanges its token', async () => {
    const command = await script('ok.sh', success(jwt));
    const output = join(dir, 'never-written.json');
    const token = await credentials(command, ALLOW, { output_file: output }).getAccessToken();
    assert.ok(emulator.current.state.activeAccessToken(token));
    const env = await readFile(`${command}.env`, 'utf8');
    assert.match(env, new RegExp(`^GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE=${audience}$`, 'm'));
    assert.match(env, new RegExp(`^GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=${ID_TOKEN_TYPE}$`, 'm'));
    assert.match(env, /^GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE=0$/m);
    assert.match(env, new RegExp(`^GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE=${output}$`, 'm'));
  });

  it('tells the executable which service account will be impersonated', async () => {
    const command = await script('impersonating.sh', success(jwt));
    const email = 'deployer@example-project.iam.gserviceaccount.com';
    const impersonating = ExternalAccountCredentials.fromJson(
      oidcConfig(
        emulator.current,
        audience,
        { executable: { command } },
        {
          subject_token_type: ID_TOKEN_TYPE,
          service_account_impersonation_url: `${emulator.current.url}/v1/projects/-/serviceAccounts/${email}:generateAccessToken`,
        },
      ),
      { env: ALLOW, http: { retry: { maxAttempts: 1 } } },
    );
    // The target does not exist in the emulator: only the executable's environment matters here.
    await impersonating.getAccessToken().catch(() => undefined);
    const env = await readFile(`${command}.env`, 'utf8');
    assert.match(env, new RegExp(`^GOOGLE_EXTERNAL_ACCOUNT_IMPERSONATED_EMAIL=${email}$`, 'm'));
  });

  it('uses an unexpired response in output_file without running the executable', async () => {
    const output = await writeScratch(dir, 'cached.json', success(jwt));
    const command = await script('not-run.sh', 'junk', 1);
    const token = await credentials(command, ALLOW, { output_file: output }).getAccessToken();
    assert.ok(emulator.current.state.activeAccessToken(token));
    await assert.rejects(readFile(`${command}.env`), /ENOENT/);
  });

  it('runs the executable when output_file holds an expired response', async () => {
    const output = await writeScratch(dir, 'stale.json', success('stale', 1000));
    const command = await script('rerun.sh', success(jwt));
    assert.ok(await credentials(command, ALLOW, { output_file: output }).getAccessToken());
    assert.ok(await readFile(`${command}.env`, 'utf8'));
  });

  it('runs the executable when output_file holds an error response, as google-auth does', async () => {
    const failed = JSON.stringify({ version: 1, success: false, code: '401', message: 'expired' });
    const output = await writeScratch(dir, 'failed.json', failed);
    const command = await script('rerun-after-error.sh', success(jwt));
    const token = await credentials(command, ALLOW, { output_file: output }).getAccessToken();
    assert.ok(emulator.current.state.activeAccessToken(token));
    assert.ok(await readFile(`${command}.env`, 'utf8'));
  });

  it('reports an executable that is not found', async () => {
    const error = await failure(credentials(join(dir, 'no-such-program')).getAccessToken());
    assert.equal(error.code, 'ERR_SUBJECT_TOKEN');
    assert.match(error.message, /could not be started \(ENOENT\)/);
  });

  it('kills an executable that outlives its timeout', async () => {
    const command = await script('slow.sh', success(jwt), 0, 'sleep 60');
    const source = new ExecutableSubjectTokenSource({ command, timeoutMs: 50, env: ALLOW });
    const error = await failure(
      source.getSubjectToken({ audience, subjectTokenType: ID_TOKEN_TYPE }),
    );
    assert.equal(error.code, 'ERR_TIMEOUT');
    assert.match(error.message, /timeout_millis/);
  });

  it('reports junk output, an error response, an expired token and a newer version as typed errors', async () => {
    const cases: [string, string, number, string, RegExp][] = [
      ['junk.sh', 'hello', 0, 'ERR_SUBJECT_TOKEN', /is not a JSON object/],
      [
        'error.sh',
        JSON.stringify({
          version: 1,
          success: false,
          code: '401',
          message: 'Caller not authorized.',
        }),
        1,
        'ERR_SUBJECT_TOKEN',
        /reported failure 401: Caller not authorized/,
      ],
      ['expired.sh', success(jwt, 1000), 0, 'ERR_SUBJECT_TOKEN_EXPIRED', /expired at 1970/],
      [
        'v2.sh',
        JSON.stringify({ version: 2, success: true }),
        0,
        'ERR_SUBJECT_TOKEN',
        /version 2, newer/,
      ],
      ['exit.sh', success(jwt), 3, 'ERR_SUBJECT_TOKEN', /exited with code 3/],
      ['silent.sh', '', 2, 'ERR_SUBJECT_TOKEN', /exited with code 2 without printing/],
    ];
    for (const [name, stdout, exit, code, message] of cases) {
      const error = await failure(credentials(await script(name, stdout, exit)).getAccessToken());
      assert.equal(error.code, code, name);
      assert.match(error.message, message, name);
    }
  });
});
