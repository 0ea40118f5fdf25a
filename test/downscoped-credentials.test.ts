import assert from 'node:assert/strict';
import { AuthError, OAuthError } from '../src/errors.js';
import {
  DownscopedCredentials,
  type AccessBoundaryRule,
} from '../src/credentials/downscoped-credentials.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { assertNoSecrets } from './support/secrets.js';

const RULE: AccessBoundaryRule = {
  availableResource: '//storage.googleapis.com/projects/_/buckets/reports',
  availablePermissions: ['inRole:roles/storage.objectViewer'],
  availabilityCondition: {
    expression: "resource.name.startsWith('projects/_/buckets/reports/objects/2026/')",
    title: '2026 only',
  },
};

describe('DownscopedCredentials', () => {
  const emulator = useEmulator();

  function source() {
    return ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
  }

  it('exchanges the source token at STS with the access boundary in options', async () => {
    const downscoped = new DownscopedCredentials({
      sourceCredentials: source(),
      credentialAccessBoundary: { accessBoundaryRules: [RULE] },
      tokenUrl: `${emulator.current.url}/v1/token`,
    });
    const token = await downscoped.getAccessToken();
    assert.deepEqual(emulator.current.state.federation.accessBoundaries.get(token), {
      accessBoundaryRules: [RULE],
    });
    assert.equal(
      emulator.current.state.activeAccessToken(token)?.principal,
      emulator.current.serviceAccountKey.client_email,
    );
    assert.ok(downscoped.expiresAt);
  });

  it("takes the source credentials' universe and its STS, and refuses another before any request", async () => {
    const universe = 'example-universe.test';
    const inUniverse = ServiceAccountCredentials.fromJson({
      ...emulator.current.serviceAccountKey,
      universe_domain: universe,
    });
    const boundary = { accessBoundaryRules: [RULE] };
    const downscoped = new DownscopedCredentials({
      sourceCredentials: inUniverse,
      credentialAccessBoundary: boundary,
    });
    assert.equal(await downscoped.getUniverseDomain(), universe);
    assert.equal(await downscoped.getTokenUrl(), `https://sts.${universe}/v1/token`);

    const mismatched = new DownscopedCredentials({
      sourceCredentials: source(),
      credentialAccessBoundary: boundary,
      tokenUrl: `${emulator.current.url}/v1/token`,
      universeDomain: universe,
    });
    const error = await mismatched.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, 'ERR_INVALID_OPTIONS');
    assert.match(error.message, /example-universe\.test.*googleapis\.com/);
    assert.equal(emulator.current.hits.token ?? 0, 0);
    assert.equal(emulator.current.hits.sts ?? 0, 0);
  });

  it('refuses a bad boundary locally, naming the rule, before any request', () => {
    const cases: [unknown, RegExp][] = [
      [[], /1 to 10 rules, got 0/],
      [Array.from({ length: 11 }, () => RULE), /1 to 10 rules, got 11/],
      [
        [RULE, { ...RULE, availableResource: '' }],
        /rule 2 \(accessBoundaryRules\[1\]\): availableResource/,
      ],
      [[{ ...RULE, availablePermissions: [] }], /rule 1 .*availablePermissions must list/],
      [
        [{ ...RULE, availablePermissions: ['inRole:roles/a', 'roles/storage.admin'] }],
        /availablePermissions\[1\] must be a role with the inRole: prefix/,
      ],
      [
        [{ ...RULE, availabilityCondition: { expression: '' } }],
        /availabilityCondition\.expression/,
      ],
    ];
    for (const [rules, message] of cases) {
      assert.throws(
        () =>
          new DownscopedCredentials({
            sourceCredentials: source(),
            credentialAccessBoundary: { accessBoundaryRules: rules as AccessBoundaryRule[] },
          }),
        (e: unknown) =>
          e instanceof AuthError && e.code === 'ERR_INVALID_OPTIONS' && message.test(e.message),
        String(message),
      );
    }
    assert.equal(emulator.current.hits.sts, 0);
  });

  it('answers an STS refusal as OAuthError without the source token', async () => {
    const credentials = source();
    const sourceToken = await credentials.getAccessToken();
    emulator.current.state.expireAccessTokens();
    const downscoped = new DownscopedCredentials({
      sourceCredentials: credentials,
      credentialAccessBoundary: { accessBoundaryRules: [RULE] },
      tokenUrl: `${emulator.current.url}/v1/token`,
      http: FAST_HTTP,
    });
    const error = await downscoped.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, 'ERR_INVALID_GRANT');
    assertNoSecrets(error, [sourceToken]);
  });
});
