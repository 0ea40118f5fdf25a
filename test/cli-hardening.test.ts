import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOGIN_ENDPOINTS_KEY } from '../src/cli/login-endpoints.js';
import { credentialsStorePath } from '../src/cli/paths.js';
import { formatDuration } from '../src/cli/progress.js';
import { USAGE_LINE } from '../src/cli/usage.js';
import { FileTokenStore } from '../src/store/file-token-store.js';
import { useEmulator } from './support/emulator.js';
import { freshHomeEnv, runInProcess } from './support/cli.js';
import { consentInBrowser, emulatorClient } from './support/login.js';

describe('warrant CLI hardening', () => {
  const emulator = useEmulator();
  let root: string;
  let secretsFile: string;
  let env: Record<string, string>;
  const store = () =>
    new FileTokenStore(credentialsStorePath({ env, homedir: env.HOME!, platform: 'linux' }));

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'warrant-cli-hardening-'));
    secretsFile = join(root, 'client_secret.json');
    await writeFile(secretsFile, JSON.stringify(emulatorClient(emulator.current).secrets));
  });
  beforeEach(async () => {
    env = await freshHomeEnv(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function login(): Promise<void> {
    let landed: Promise<unknown> = Promise.resolve();
    const result = await runInProcess(['login', '--client-secrets', secretsFile], env, {
      openBrowser: async (url) => {
        landed = consentInBrowser(url, 'allow', 'ada@example.com');
        return true;
      },
    });
    await landed;
    assert.equal(result.code, 0, result.stderr);
  }

  async function expireStoredToken(): Promise<void> {
    const record = (await store().get('default'))!;
    await store().set('default', { ...record, expiry: new Date(Date.now() - 1000).toISOString() });
  }

  it('never saves a one-off --token-uri into the stored login, so later calls keep their server', async () => {
    await login();
    await expireStoredToken();
    const bodies: string[] = [];
    const other: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({ access_token: 'ya29.other', token_type: 'Bearer', expires_in: 3600 }),
        );
      });
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/token`;
      const oneOff = await runInProcess(['print-access-token', '--token-uri', otherUrl], env);
      assert.equal(oneOff.stdout, 'ya29.other\n', oneOff.stderr);
      const saved = (await store().get('default'))!;
      assert.equal(saved.token_uri, emulator.current.tokenUrl);
      assert.notEqual(saved.access_token, 'ya29.other');
      const plain = await runInProcess(['print-access-token'], env);
      assert.equal(plain.code, 0, plain.stderr);
      assert.notEqual(plain.stdout, 'ya29.other\n');
      assert.equal(bodies.length, 1, 'the other server saw only the one-off call');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it("token-info and revoke use the stored login's server, not Google's, without flags", async () => {
    await login();
    const info = await runInProcess(['token-info'], env);
    assert.equal(info.code, 0, info.stderr);
    assert.equal((JSON.parse(info.stdout) as { email: string }).email, 'ada@example.com');
    const revoked = await runInProcess(['revoke'], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stderr, /Revoked the login/);
    assert.equal(await store().get(LOGIN_ENDPOINTS_KEY), undefined);
  });

  it('refuses to send a non-Google login to Google when its endpoint is unknown, naming the flag', async () => {
    await login();
    await store().delete(LOGIN_ENDPOINTS_KEY);
    const info = await runInProcess(['token-info'], env);
    assert.equal(info.code, 1);
    assert.match(info.stderr, /whose token_info_uri is not known; pass --token-info-uri URL/);
    const revoked = await runInProcess(['revoke'], env);
    assert.equal(revoked.code, 1);
    assert.match(revoked.stderr, /pass --revoke-uri URL/);
    assert.notEqual(await store().get('default'), undefined, 'the login is kept');
  });

  it('refuses print-identity-token --audience for a user login, as gcloud does', async () => {
    await login();
    const result = await runInProcess(
      ['print-identity-token', '--audience', 'https://service.example.test'],
      env,
    );
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--audience does not apply to a user login/);
  });

  it('says what it waits for and the time left while the browser login is pending', async () => {
    const result = await runInProcess(
      ['login', '--client-secrets', secretsFile, '--no-browser', '--timeout', '1'],
      env,
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /Waiting for the login in the browser: 1 s left \(Ctrl-C to cancel\)/,
    );
    assert.match(result.stderr, /within 1 second \(--timeout 1\)/);
    assert.doesNotMatch(result.stderr, /1000 ms/);
  });

  it('formats the time left as a person reads it', () => {
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(270_000), '4 min 30 s');
    assert.equal(formatDuration(300_000), '5 min');
    assert.equal(formatDuration(7_500_000), '2 h 5 min');
    assert.equal(formatDuration(-5), '0 s');
  });

  it('exits 130 when Ctrl-C ends a login', async () => {
    const interrupt = new AbortController();
    const result = await runInProcess(['login', '--client-secrets', secretsFile], env, {
      openBrowser: async () => {
        interrupt.abort();
        return true;
      },
      signal: interrupt.signal,
    });
    assert.equal(result.code, 130);
    assert.match(result.stderr, /warrant: interrupted/);
  });

  for (const [argv, said] of [
    [['print-access-token', '--bogus'], 'unknown option --bogus'],
    [['login', '--timeout'], 'option --timeout needs a value'],
    [['login', '--device=yes'], 'option --device takes no value'],
  ] as const) {
    it(`answers ${argv.join(' ')} with a usage line, not parseArgs' text`, async () => {
      const result = await runInProcess([...argv], env);
      assert.equal(result.code, 2);
      assert.equal(
        result.stderr,
        `warrant: ${said}\n${USAGE_LINE}\nRun 'warrant --help' for usage.\n`,
      );
    });
  }

  it('never writes a control character from a stored token raw to the terminal', async () => {
    await login();
    const record = (await store().get('default'))!;
    await store().set('default', { ...record, access_token: 'ya29.a\u001b[2Jb\rc' });
    const result = await runInProcess(['print-access-token'], env);
    assert.equal(result.stdout, 'ya29.a\\u001b[2Jb\\u000dc\n');
  });
});
