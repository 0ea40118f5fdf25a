import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsStorePath } from '../src/cli/paths.js';
import { FileTokenStore } from '../src/store/file-token-store.js';
import { deviceLogins } from '../src/testing/routes/device.js';
import { useEmulator } from './support/emulator.js';
import { freshHomeEnv, runInProcess } from './support/cli.js';
import { consentInBrowser, emulatorClient } from './support/login.js';

describe('warrant CLI (in process)', () => {
  const emulator = useEmulator();
  let root: string;
  let secretsFile: string;
  let section: ReturnType<typeof emulatorClient>['section'];
  /** A fresh home for each test: no login, no ADC. */
  let env: Record<string, string>;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'warrant-cli-'));
    const client = emulatorClient(emulator.current);
    section = client.section;
    secretsFile = join(root, 'client_secret.json');
    await writeFile(secretsFile, JSON.stringify(client.secrets));
  });
  beforeEach(async () => {
    env = await freshHomeEnv(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** `warrant login` in process, with the test clicking Allow in the "browser". */
  async function login(extra: string[] = []) {
    let landed: Promise<unknown> = Promise.resolve();
    const result = await runInProcess(['login', '--client-secrets', secretsFile, ...extra], env, {
      openBrowser: async (url) => {
        landed = consentInBrowser(url, 'allow', 'ada@example.com');
        return true;
      },
    });
    await landed;
    return result;
  }

  it('prints help and the version on stdout', async () => {
    const help = await runInProcess(['--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: warrant <command>/);
    const version = await runInProcess(['--version'], env);
    assert.equal(version.code, 0);
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    assert.equal(version.stdout, `${pkg.version}\n`);
  });

  for (const [argv, why] of [
    [[], /no command/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['print-access-token', '--bogus'], /--bogus/],
    [['print-access-token', 'extra'], /unexpected argument 'extra'/],
    [['login'], /needs --client-secrets/],
    [
      ['login', '--client-secrets', 'x.json', '--device', '--no-browser'],
      /--device does not go with/,
    ],
    [['login', '--client-secrets', 'x.json', '--port', '99999'], /--port must be a whole number/],
    [['print-identity-token'], /needs --audience/],
    [['revoke', '--scopes', 'email'], /--scopes does not apply to 'revoke'/],
  ] as const) {
    it(`exits 2 on a usage error: warrant ${argv.join(' ') || '(nothing)'}`, async () => {
      const result = await runInProcess([...argv], env);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, why);
      assert.match(result.stderr, /warrant --help/);
    });
  }

  it('logs in in the browser, stores the login, then prints only the token', async () => {
    const result = await login();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '', 'login prints nothing on stdout');
    assert.match(result.stderr, /Logged in as ada@example\.com/);
    const storePath = credentialsStorePath({ env, homedir: env.HOME, platform: 'linux' });
    assert.equal((await stat(storePath)).mode & 0o777, 0o600);
    const printed = await runInProcess(['print-access-token'], env);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^ya29\.[\w.-]+\n$/);
    assert.equal(printed.stderr, '');
    const echo = await fetch(emulator.current.echoUrl, {
      headers: { authorization: `Bearer ${printed.stdout.trim()}` },
    });
    assert.equal(((await echo.json()) as { principal: string }).principal, 'ada@example.com');
  });

  it('reuses the stored access token, and saves a refreshed one once it is due', async () => {
    await login();
    const first = (await runInProcess(['print-access-token'], env)).stdout;
    assert.equal(
      (await runInProcess(['print-access-token'], env)).stdout,
      first,
      'no refresh while valid',
    );
    const store = new FileTokenStore(
      credentialsStorePath({ env, homedir: env.HOME, platform: 'linux' }),
    );
    const record = (await store.get('default'))!;
    await store.set('default', { ...record, expiry: new Date(Date.now() - 1000).toISOString() });
    const refreshed = await runInProcess(['print-access-token'], env);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.notEqual(refreshed.stdout, first);
    assert.equal(
      (await store.get('default'))?.access_token,
      refreshed.stdout.trim(),
      'the new token was saved',
    );
  });

  it('asks for a fresh token when --scopes narrows the login, without narrowing what is stored', async () => {
    await login();
    const first = (await runInProcess(['print-access-token'], env)).stdout;
    const narrowed = await runInProcess(['print-access-token', '--scopes', 'openid'], env);
    assert.equal(narrowed.code, 0, narrowed.stderr);
    assert.notEqual(narrowed.stdout, first);
    const info = JSON.parse(
      (
        await runInProcess(
          ['token-info', '--scopes', 'openid', '--token-info-uri', section.token_info_uri],
          env,
        )
      ).stdout,
    ) as { scopes: string[] };
    assert.deepEqual(info.scopes, ['openid']);
    assert.equal((await runInProcess(['print-access-token'], env)).stdout, first);
  });

  it('prints an ID token for a login that granted openid', async () => {
    await login();
    const result = await runInProcess(['print-identity-token'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('prints token info as JSON without the token', async () => {
    await login();
    const result = await runInProcess(
      ['token-info', '--token-info-uri', section.token_info_uri],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const info = JSON.parse(result.stdout) as { email: string; scopes: string[]; audience: string };
    assert.equal(info.email, 'ada@example.com');
    assert.equal(info.audience, section.client_id);
    assert.ok(info.scopes.includes('openid'));
    assert.ok(!result.stdout.includes('ya29.'));
  });

  it('prints a cloud-platform token for a service-account key found by ADC, as gcloud does, or the --scopes asked for', async () => {
    const keyFile = join(root, 'sa-key.json');
    await writeFile(keyFile, JSON.stringify(emulator.current.serviceAccountKey));
    const adcEnv = { ...env, GOOGLE_APPLICATION_CREDENTIALS: keyFile };
    const scopesOf = async (argv: string[]) => {
      const printed = await runInProcess(argv, adcEnv);
      assert.equal(printed.code, 0, printed.stderr);
      const echo = await fetch(emulator.current.echoUrl, {
        headers: { authorization: `Bearer ${printed.stdout.trim()}` },
      });
      return ((await echo.json()) as { scopes: string[] }).scopes;
    };
    assert.deepEqual(await scopesOf(['print-access-token']), [
      'https://www.googleapis.com/auth/cloud-platform',
    ]);
    assert.deepEqual(await scopesOf(['print-access-token', '--scopes', 'openid,email']), [
      'openid',
      'email',
    ]);
  });

  it('revokes the login and forgets it; a second revoke says there is none', async () => {
    await login();
    const token = (await runInProcess(['print-access-token'], env)).stdout.trim();
    const result = await runInProcess(['revoke', '--revoke-uri', section.revoke_uri], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Revoked the login/);
    const echo = await fetch(emulator.current.echoUrl, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(echo.status, 401, 'the access token died with the grant');
    const again = await runInProcess(['revoke', '--revoke-uri', section.revoke_uri], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not logged in/);
  });

  it('saves Application Default Credentials that ADC then finds (--save-adc)', async () => {
    const result = await login(['--save-adc']);
    assert.equal(result.code, 0, result.stderr);
    const adcPath = join(env.CLOUDSDK_CONFIG, 'application_default_credentials.json');
    assert.match(result.stderr, new RegExp(`Application Default Credentials saved to ${adcPath}`));
    const adc = JSON.parse(await readFile(adcPath, 'utf8')) as Record<string, string>;
    assert.equal(adc.type, 'authorized_user');
    assert.equal(adc.client_id, section.client_id);
    assert.equal(adc.token_uri, emulator.current.tokenUrl);
    assert.equal((await stat(adcPath)).mode & 0o777, 0o600);
    // Without the stored login, print-access-token falls back to ADC, which is that file.
    await rm(env.WARRANT_CONFIG_DIR, { recursive: true });
    const printed = await runInProcess(['print-access-token'], env);
    assert.equal(printed.code, 0, printed.stderr);
    const echo = await fetch(emulator.current.echoUrl, {
      headers: { authorization: `Bearer ${printed.stdout.trim()}` },
    });
    assert.equal(echo.status, 200);
  });

  it('logs in with the device flow (--device)', async () => {
    const logins = deviceLogins(emulator.current);
    logins.interval = 0.01;
    try {
      const running = runInProcess(
        ['login', '--client-secrets', secretsFile, '--device', '--scopes', 'openid,email'],
        env,
      );
      let code: string | undefined;
      while (!(code = logins.pendingUserCodes()[0])) await new Promise((r) => setTimeout(r, 5));
      logins.approve(code, 'grace@example.com');
      const result = await running;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`enter the code:\\n\\n {4}${code}`));
      assert.match(result.stderr, /Logged in as grace@example\.com/);
      assert.equal((await runInProcess(['print-access-token'], env)).code, 0);
    } finally {
      logins.interval = 5;
    }
  });

  it('exits 1 with a one-line reason, no stack trace, when the user denies access', async () => {
    const result = await runInProcess(['login', '--client-secrets', secretsFile], env, {
      openBrowser: async (url) => {
        void consentInBrowser(url, 'deny');
        return true;
      },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^warrant: the user denied access/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.ok(!result.stderr.includes(section.client_secret));
  });

  it('exits 1 naming the corrupt store file, which it leaves alone', async () => {
    const storePath = credentialsStorePath({ env, homedir: env.HOME, platform: 'linux' });
    await mkdir(join(env.WARRANT_CONFIG_DIR), { recursive: true });
    await writeFile(storePath, '{"version":1,"entries":{"default":{"refresh_token":"1//0torn');
    const result = await runInProcess(['print-access-token'], env);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(storePath));
    assert.match(result.stderr, /corrupt/);
    assert.ok(!result.stderr.includes('1//0torn'));
    assert.equal(
      await readFile(storePath, 'utf8'),
      '{"version":1,"entries":{"default":{"refresh_token":"1//0torn',
    );
  });

  it('exits 1 when there is neither a login nor ADC', async () => {
    const result = await runInProcess(['print-access-token'], env);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no Google credentials found/);
  });

  it('times out a login nobody completes (--timeout)', async () => {
    const result = await runInProcess(
      ['login', '--client-secrets', secretsFile, '--no-browser', '--timeout', '1'],
      env,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Please visit this URL/);
    assert.match(
      result.stderr,
      /nobody completed the login in the browser within 1 second \(--timeout 1\)/,
    );
  });

  it('names a bad client secrets file', async () => {
    const bad = join(root, 'bad-secrets.json');
    await writeFile(bad, JSON.stringify({ installed: { client_secret: 'GOCSPX-x' } }));
    const result = await runInProcess(['login', '--client-secrets', bad], env);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(bad));
    assert.match(result.stderr, /client_id is missing/);
  });
});
