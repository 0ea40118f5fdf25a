import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import { compactVerify, decodeJwt } from 'jose';
import { IdTokenCredentials } from '../src/credentials/id-token-credentials.js';
import { ImpersonatedCredentials } from '../src/credentials/impersonated-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { AuthError } from '../src/errors.js';
import { IdTokenVerifier } from '../src/id-token/verifier.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import type { ServiceAccountKeyJson } from '../src/testing/index.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { assertNoSecrets } from './support/secrets.js';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

async function echo(credentials: ImpersonatedCredentials, url: string) {
  const response = await fetch(url, { headers: await credentials.getRequestHeaders() });
  assert.equal(response.status, 200);
  return (await response.json()) as { principal: string; scopes: string[] };
}

/** The token expires `seconds` after it was minted, to IAM's whole-second precision. */
async function assertLifetime(credentials: ImpersonatedCredentials, seconds: number) {
  const before = Date.now();
  await credentials.getAccessToken();
  const after = Date.now();
  const expiresAt = (credentials.expiresAt as Date).getTime();
  assert.ok(expiresAt >= before + seconds * 1000 - 1000, `expires too early: ${expiresAt}`);
  // RFC 3339 seconds: the emulator's expireTime is whole seconds, so allow one second either way.
  assert.ok(expiresAt <= after + seconds * 1000 + 1000, `expires too late: ${expiresAt}`);
}

describe('ImpersonatedCredentials', () => {
  const emulator = useEmulator();
  let caller: ServiceAccountKeyJson;
  let target: ServiceAccountKeyJson;
  let delegate: ServiceAccountKeyJson;

  before(() => {
    const e = emulator.current;
    caller = e.serviceAccountKey;
    target = e.createServiceAccount({ email: 'target@emulated-project.iam.gserviceaccount.com' });
    delegate = e.createServiceAccount({ email: 'hop@emulated-project.iam.gserviceaccount.com' });
    e.grantTokenCreator(caller.client_email, target.client_email);
    e.grantTokenCreator(caller.client_email, delegate.client_email);
    e.grantTokenCreator(delegate.client_email, target.client_email);
  });

  const source = () =>
    ServiceAccountCredentials.fromJson(caller, { scopes: [CLOUD_PLATFORM], http: FAST_HTTP });
  const impersonate = (
    options: Partial<ConstructorParameters<typeof ImpersonatedCredentials>[0]> = {},
  ) =>
    new ImpersonatedCredentials({
      sourceCredentials: source(),
      targetPrincipal: target.client_email,
      iamEndpoint: emulator.current.url,
      http: FAST_HTTP,
      ...options,
    });

  it('acts as the target service account with a token from IAM generateAccessToken', async () => {
    const credentials = impersonate({
      scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
    });
    const called = await echo(credentials, emulator.current.echoUrl);
    assert.equal(called.principal, target.client_email);
    assert.deepEqual(called.scopes, ['https://www.googleapis.com/auth/devstorage.read_only']);
    assert.equal(emulator.current.hits.generateAccessToken, 1);
  });

  it('asks for cloud-platform and one hour when no scopes or lifetime are given', async () => {
    const credentials = impersonate();
    await assertLifetime(credentials, 3600);
    assert.deepEqual(credentials.grantedScopes, [CLOUD_PLATFORM]);
  });

  it('requests the lifetime it was given, up to twelve hours', async () => {
    await assertLifetime(impersonate({ lifetime: 43_200 }), 43_200);
  });

  it('authorizes with a self-signed JWT when the source service account has no scopes', async () => {
    const sourceCredentials = ServiceAccountCredentials.fromJson(caller);
    const credentials = impersonate({ sourceCredentials });
    assert.equal(
      (await echo(credentials, emulator.current.echoUrl)).principal,
      target.client_email,
    );
    assert.equal(emulator.current.hits.token, 0, 'no token-endpoint call for the source');
  });

  it('goes through a delegation chain when every link holds Token Creator on the next', async () => {
    const credentials = impersonate({ delegates: [delegate.client_email] });
    assert.equal(
      (await echo(credentials, emulator.current.echoUrl)).principal,
      target.client_email,
    );
  });

  it('turns a 403 into ERR_PERMISSION_DENIED naming the missing permission and the role to grant', async () => {
    const stranger = emulator.current.createServiceAccount();
    const credentials = impersonate({ targetPrincipal: stranger.client_email });
    const error = await credentials.getAccessToken().then(
      () => assert.fail('expected a denial'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_PERMISSION_DENIED');
    assert.match(error.message, /iam\.serviceAccounts\.getAccessToken/);
    assert.match(error.message, /roles\/iam\.serviceAccountTokenCreator on sa-\d+@/);
    assert.equal((error as AuthError & { status: number }).status, 403);
    assertNoSecrets(error, [
      await credentials.sourceCredentials.getAccessToken(),
      stranger.private_key,
    ]);
  });

  it('refuses a chain with a missing link', async () => {
    const loner = emulator.current.createServiceAccount();
    const credentials = impersonate({ delegates: [loner.client_email] });
    await assert.rejects(credentials.getAccessToken(), { code: 'ERR_PERMISSION_DENIED' });
  });

  it('makes one IAM call and one source token call for 200 concurrent cold callers', async () => {
    const credentials = impersonate();
    const tokens = await Promise.all(
      Array.from({ length: 200 }, () => credentials.getRequestHeaders()),
    );
    assert.equal(new Set(tokens.map((h) => h.get('authorization'))).size, 1);
    assert.equal(emulator.current.hits.generateAccessToken, 1);
    assert.equal(emulator.current.hits.token, 1);
  });

  it('keeps the previous token when IAM fails a refresh', async () => {
    const credentials = impersonate();
    const first = await credentials.getAccessToken();
    emulator.current.fail('generateAccessToken', { status: 503, count: 3 });
    await assert.rejects(credentials.refresh(), { code: 'ERR_OAUTH' });
    assert.equal(credentials.token, first);
  });

  it('fails with ERR_TOKEN_RESPONSE when IAM answers 200 without a usable expireTime', async () => {
    emulator.current.fail('generateAccessToken', {
      status: 200,
      body: JSON.stringify({ accessToken: 'ya29.leaked-if-shown', expireTime: 'tomorrow' }),
    });
    const error = await impersonate()
      .getAccessToken()
      .catch((e: unknown) => e);
    assert.equal((error as AuthError).code, 'ERR_TOKEN_RESPONSE');
    assert.match((error as Error).message, /expireTime/);
    assertNoSecrets(error, ['ya29.leaked-if-shown']);
  });

  it('fails with ERR_OAUTH when the source token is not accepted', async () => {
    const sourceCredentials = source();
    const credentials = impersonate({ sourceCredentials });
    const token = await sourceCredentials.getAccessToken();
    emulator.current.revokeToken(token);
    const error = await credentials.getAccessToken().catch((e: unknown) => e);
    assert.equal((error as AuthError).code, 'ERR_OAUTH');
    assert.match((error as Error).message, /UNAUTHENTICATED/);
    assertNoSecrets(error, [token]);
  });

  it('accepts a user as the source', async () => {
    const user = emulator.current.createUser();
    const sourceCredentials = UserCredentials.fromJson(user);
    const userToken = await sourceCredentials.getAccessToken();
    const email = emulator.current.state.accessTokens.get(userToken)?.principal as string;
    emulator.current.grantTokenCreator(email, target.client_email);
    const credentials = impersonate({ sourceCredentials });
    assert.equal(
      (await echo(credentials, emulator.current.echoUrl)).principal,
      target.client_email,
    );
  });

  describe('ID tokens', () => {
    const verifier = new IdTokenVerifier();
    const audience = () => `${emulator.current.url}/run`;

    it('mints an ID token for the audience with IAM generateIdToken, email only on request', async () => {
      const credentials = impersonate();
      const bare = await credentials.fetchIdToken(audience());
      const ticket = await verifier.verify(bare, {
        audience: audience(),
        jwksUrl: emulator.current.jwksUrl,
      });
      assert.equal(ticket.email, undefined);
      const withEmail = await credentials.fetchIdToken(audience(), { includeEmail: true });
      assert.equal(decodeJwt(withEmail).email, target.client_email);
    });

    it('makes one IAM call for 200 concurrent callers of cold ID-token credentials', async () => {
      const credentials = new IdTokenCredentials({
        sourceCredentials: impersonate(),
        audience: audience(),
      });
      const headers = await Promise.all(
        Array.from({ length: 200 }, () => credentials.getRequestHeaders()),
      );
      assert.equal(new Set(headers.map((h) => h.get('authorization'))).size, 1);
      assert.equal(emulator.current.hits.generateIdToken, 1);
      const response = await fetch(audience(), { headers: headers[0] });
      assert.equal(response.status, 200);
    });

    it('refuses an empty audience with ERR_INVALID_OPTIONS', async () => {
      await assert.rejects(impersonate().fetchIdToken(''), { code: 'ERR_INVALID_OPTIONS' });
    });
  });

  describe('signing', () => {
    it('signs bytes with the target account key through IAM signBlob', async () => {
      const credentials = impersonate();
      const data = Buffer.from('hello, storage');
      const result = await credentials.sign(data);
      assert.equal(result.signerEmail, target.client_email);
      assert.equal(await credentials.getSignerEmail(), target.client_email);
      assert.equal(result.keyId, target.private_key_id);
      const verify = createVerify('RSA-SHA256').update(data);
      assert.ok(verify.verify(target.private_key, result.signature));
      assert.equal(emulator.current.hits.signBlob, 1);
    });

    it('signs a JWT with the target account key through IAM signJwt', async () => {
      const credentials = impersonate();
      const jwt = await credentials.signJwt({ sub: 'alice', aud: 'https://example.test' });
      const account = emulator.current.state.serviceAccounts.get(target.client_email);
      const { payload } = await compactVerify(jwt, account!.publicKey);
      assert.deepEqual(JSON.parse(Buffer.from(payload).toString()), {
        sub: 'alice',
        aud: 'https://example.test',
      });
    });

    it('names signBlob in the error when the caller may not sign as the target', async () => {
      const stranger = emulator.current.createServiceAccount();
      const credentials = impersonate({ targetPrincipal: stranger.client_email });
      await assert.rejects(credentials.sign('x'), (e: AuthError) => {
        assert.equal(e.code, 'ERR_PERMISSION_DENIED');
        assert.match(e.message, /iam\.serviceAccounts\.signBlob/);
        return true;
      });
    });
  });

  describe('options', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['no source', { sourceCredentials: undefined }, /sourceCredentials/],
      ['an empty target', { targetPrincipal: '' }, /targetPrincipal/],
      ['a target with a slash', { targetPrincipal: 'a/b@x' }, /targetPrincipal/],
      ['a lifetime of 0', { lifetime: 0 }, /lifetime.*1 to 43200/],
      ['a lifetime over twelve hours', { lifetime: 43_201 }, /lifetime/],
      ['a fractional lifetime', { lifetime: 1.5 }, /lifetime/],
      ['delegates that are not a list', { delegates: 'a@b' }, /delegates/],
      ['an empty delegate', { delegates: [''] }, /delegates\[0\]/],
      ['an endpoint that is not a URL', { iamEndpoint: 'iam' }, /iamEndpoint/],
    ];
    for (const [what, change, message] of bad) {
      it(`refuses ${what} with ERR_INVALID_OPTIONS`, () => {
        assert.throws(
          () => impersonate(change as never),
          (e: AuthError) => e.code === 'ERR_INVALID_OPTIONS' && message.test(e.message),
        );
      });
    }

    it('defaults the endpoint to the universe', async () => {
      const credentials = new ImpersonatedCredentials({
        sourceCredentials: ServiceAccountCredentials.fromJson({
          ...caller,
          universe_domain: 'example-universe.test',
        }),
        targetPrincipal: target.client_email,
        universeDomain: 'example-universe.test',
      });
      assert.equal(
        await credentials.getIamEndpoint(),
        'https://iamcredentials.example-universe.test',
      );
    });

    it("takes the source credentials' universe, and calls IAM there, as google-auth does", async () => {
      const sent: string[] = [];
      const universe = 'example-universe.test';
      const credentials = new ImpersonatedCredentials({
        sourceCredentials: ServiceAccountCredentials.fromJson({
          ...caller,
          universe_domain: universe,
        }),
        targetPrincipal: target.client_email,
        // Forwards to the emulator what was addressed to the universe's IAM.
        http: {
          ...FAST_HTTP,
          fetch: (input, init) => {
            const url = String(input instanceof Request ? input.url : input);
            sent.push(url);
            return fetch(
              url.replace(`https://iamcredentials.${universe}`, emulator.current.url),
              init,
            );
          },
        },
      });
      assert.equal(await credentials.getUniverseDomain(), universe);
      assert.equal(await credentials.getIamEndpoint(), `https://iamcredentials.${universe}`);
      await credentials.getAccessToken().catch(() => undefined);
      assert.deepEqual(
        sent.map((url) => new URL(url).origin),
        [`https://iamcredentials.${universe}`],
      );
    });

    it("refuses a universeDomain other than the source credentials' before sending their token", async () => {
      const credentials = impersonate({ universeDomain: 'example-universe.test' });
      const error = await credentials.getAccessToken().catch((e: unknown) => e);
      assert.ok(error instanceof AuthError, String(error));
      assert.equal(error.code, 'ERR_INVALID_OPTIONS');
      assert.match(error.message, /example-universe\.test.*googleapis\.com/);
      assert.equal(emulator.current.hits.generateAccessToken ?? 0, 0);
    });

    it('shows no secret of its source in JSON or inspect', async () => {
      const credentials = impersonate();
      await credentials.getAccessToken();
      const shown = `${JSON.stringify(credentials)} ${String(
        (await import('node:util')).inspect(credentials),
      )}`;
      assert.ok(!shown.includes(credentials.token as string));
      assert.ok(!shown.includes(caller.private_key.split('\n')[1]));
      assert.match(shown, /target@emulated-project/);
    });
  });
});
