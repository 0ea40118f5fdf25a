// The warrant command as users run it: a separate process, its output on real pipes.
// The CLI is compiled once (transpile only) and its entry executed directly, which also proves
// the shebang; one test runs the TypeScript source through ts-node as documented.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceLogins } from '../src/testing/routes/device.js';
import { CliProcess, freshHomeEnv } from './support/cli.js';
import { compileForChild } from './support/compile-for-child.js';
import { useEmulator } from './support/emulator.js';
import { consentInBrowser, emulatorClient } from './support/login.js';

describe('warrant CLI (child process)', () => {
  const emulator = useEmulator();
  let root: string;
  let warrant: string;
  let secretsFile: string;
  let section: ReturnType<typeof emulatorClient>['section'];
  let env: Record<string, string>;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'warrant-cli-process-'));
    warrant = await compileForChild('src/cli/main.ts', join(root, 'compiled'));
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

  const run = (...args: string[]) => new CliProcess(warrant, args, env);

  it('logs in through the loopback redirect, then print-access-token, token-info and revoke work', async () => {
    const login = run('login', '--client-secrets', secretsFile, '--no-browser');
    const [, url] = await login.waitForStderr(
      /Please visit this URL to authorize this application:\n\n {4}(\S+)\n/,
    );
    const landed = await consentInBrowser(url, 'allow', 'ada@example.com');
    assert.match(landed.body, /You are signed in/);
    const loggedIn = await login.exited;
    assert.equal(loggedIn.code, 0, loggedIn.stderr);
    assert.equal(loggedIn.stdout, '');
    assert.match(loggedIn.stderr, /Logged in as ada@example\.com/);

    const printed = await run('print-access-token').exited;
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^ya29\.[\w.-]+\n$/, 'only the token on stdout');
    const echo = await fetch(emulator.current.echoUrl, {
      headers: { authorization: `Bearer ${printed.stdout.trim()}` },
    });
    assert.equal(((await echo.json()) as { principal: string }).principal, 'ada@example.com');

    const info = await run('token-info', '--token-info-uri', section.token_info_uri).exited;
    assert.equal(info.code, 0, info.stderr);
    assert.equal((JSON.parse(info.stdout) as { email: string }).email, 'ada@example.com');

    const revoked = await run('revoke', '--revoke-uri', section.revoke_uri).exited;
    assert.equal(revoked.code, 0, revoked.stderr);
    const after = await run('print-access-token').exited;
    assert.equal(after.code, 1, 'no login and no ADC any more');
    assert.equal(after.stdout, '');
    assert.doesNotMatch(after.stderr, /\n\s+at /, 'no stack trace');
  });

  it('logs in with --device while the user approves on the verification page', async () => {
    const logins = deviceLogins(emulator.current);
    logins.interval = 0.02;
    try {
      const login = run('login', '--client-secrets', secretsFile, '--device', '--save-adc');
      const [, verificationUri, userCode] = await login.waitForStderr(
        /visit (\S+) on any device and enter the code:\n\n {4}(\S+)\n/,
      );
      const approved = await fetch(verificationUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          user_code: userCode,
          email: 'grace@example.com',
          decision: 'allow',
        }).toString(),
      });
      assert.equal(approved.status, 200);
      const result = await login.exited;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /Logged in as grace@example\.com/);
      assert.match(result.stderr, /Application Default Credentials saved to/);
    } finally {
      logins.interval = 5;
    }
  });

  it('exits 2 on a usage error and 1 on an auth error, with one-line messages', async () => {
    const usage = await run('print-access-token', '--nope').exited;
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^warrant: .*--nope/);
    const denied = run('login', '--client-secrets', secretsFile, '--no-browser');
    const [, url] = await denied.waitForStderr(/\n\n {4}(http\S+)\n/);
    await consentInBrowser(url, 'deny');
    const result = await denied.exited;
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^warrant: the user denied access/m);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.ok(!result.stderr.includes(section.client_secret));
  });

  it('runs from the TypeScript source with the ts-node loader', async function () {
    this.timeout(30_000);
    const result = await new CliProcess(
      process.execPath,
      ['--loader', 'ts-node/esm', '--no-warnings', 'src/cli/main.ts', '--version'],
      env,
    ).exited;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\d+\.\d+\.\d+/);
  });
});
