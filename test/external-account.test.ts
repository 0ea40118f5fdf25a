import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { OAuthError, SubjectTokenError } from '../src/errors.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { JWT_TYPE, oidcConfig, scratchDir, writeScratch } from './support/federation.js';
import { assertNoSecrets } from './support/secrets.js';

describe('ExternalAccountCredentials', () => {
  const emulator = useEmulator();
  let dir: string;
  before(async () => {
    dir = await scratchDir();
  });

  async function oidcProvider(): Promise<{ audience: string; jwt: string }> {
    const { audience } = emulator.current.state.federation.createProvider('oidc');
    const jwt = await emulator.current.state.federation.idp.issueToken({ audience });
    return { audience, jwt };
  }

  it('exchanges an OIDC token read from a text file at STS, which verifies it against the IdP keys', async () => {
    const { audience, jwt } = await oidcProvider();
    const file = await writeScratch(dir, 'token.txt', `${jwt}\n`);
    const credentials = ExternalAccountCredentials.fromJson(
      oidcConfig(emulator.current, audience, { file }),
    );
    const token = await credentials.getAccessToken();
    const record = emulator.current.state.activeAccessToken(token);
    assert.ok(record?.principal.includes('/subject/repo:example/app'));
    assert.deepEqual(record?.scopes, ['https://www.googleapis.com/auth/cloud-platform']);
    assert.equal(emulator.current.hits.sts, 1);
  });

  it('reads the token from a JSON file field named by subject_token_field_name', async () => {
    const { audience, jwt } = await oidcProvider();
    const file = await writeScratch(dir, 'token.json', JSON.stringify({ id_token: jwt }));
    const credentials = ExternalAccountCredentials.fromJson(
      oidcConfig(emulator.current, audience, {
        file,
        format: { type: 'json', subject_token_field_name: 'id_token' },
      }),
      { scopes: ['https://www.googleapis.com/auth/devstorage.read_only'] },
    );
    const record = emulator.current.state.activeAccessToken(await credentials.getAccessToken());
    assert.deepEqual(record?.scopes, ['https://www.googleapis.com/auth/devstorage.read_only']);
  });

  it('fetches the token from a URL with the configured headers, in JSON format', async () => {
    const { audience, jwt } = await oidcProvider();
    let seen: string | undefined;
    const server: Server = createServer((req, res) => {
      seen = req.headers['metadata'] as string;
      res.end(JSON.stringify({ access_token: jwt }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const credentials = ExternalAccountCredentials.fromJson(
        oidcConfig(emulator.current, audience, {
          url: `http://127.0.0.1:${port}/token?resource=x`,
          headers: { Metadata: 'True' },
          format: { type: 'json', subject_token_field_name: 'access_token' },
        }),
      );
      assert.ok(emulator.current.state.activeAccessToken(await credentials.getAccessToken()));
      assert.equal(seen, 'True');
    } finally {
      server.close();
    }
  });

  it('uses a programmatic subject-token supplier, told the audience and token type', async () => {
    const { audience, jwt } = await oidcProvider();
    const asked: unknown[] = [];
    const credentials = new ExternalAccountCredentials({
      audience,
      subjectTokenType: JWT_TYPE,
      tokenUrl: `${emulator.current.url}/v1/token`,
      subjectTokenSupplier: {
        getSubjectToken: async (context) => {
          asked.push(context);
          return jwt;
        },
      },
    });
    assert.ok(emulator.current.state.activeAccessToken(await credentials.getAccessToken()));
    assert.deepEqual(asked, [{ audience, subjectTokenType: JWT_TYPE }]);
  });

  it('sends workforce_pool_user_project as STS options.userProject, and omits it with client auth', async () => {
    const { audience } = emulator.current.state.federation.createProvider('oidc', {
      workforce: true,
    });
    const jwt = await emulator.current.state.federation.idp.issueToken({ audience });
    const supplier = { getSubjectToken: async () => jwt };
    const base = {
      audience,
      subjectTokenType: JWT_TYPE,
      tokenUrl: `${emulator.current.url}/v1/token`,
      subjectTokenSupplier: supplier,
    };
    const withProject = new ExternalAccountCredentials({
      ...base,
      workforcePoolUserProject: 'billing-project',
    });
    assert.ok(await withProject.getAccessToken());
    const without = new ExternalAccountCredentials({ ...base, http: FAST_HTTP });
    const error = await without.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof OAuthError);
    assert.equal(error.error, 'invalid_request');
    assertNoSecrets(error, [jwt]);

    const client = emulator.current.state.createClient();
    const withClient = new ExternalAccountCredentials({
      ...base,
      workforcePoolUserProject: 'billing-project',
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    });
    const record = emulator.current.state.activeAccessToken(await withClient.getAccessToken());
    assert.equal(record?.clientId, client.clientId);
  });

  it('rejects workforce_pool_user_project on a workload pool audience, naming the field', async () => {
    const { audience } = await oidcProvider();
    assert.throws(
      () =>
        ExternalAccountCredentials.fromJson(
          oidcConfig(
            emulator.current,
            audience,
            { file: '/x' },
            { workforce_pool_user_project: 'p' },
          ),
        ),
      (e: unknown) =>
        e instanceof Error &&
        (e as { code?: string }).code === 'ERR_INVALID_CREDENTIALS' &&
        /workforce_pool_user_project/.test(e.message),
    );
  });

  it('introspects the STS token at token_info_url with the client', async () => {
    const { audience, jwt } = await oidcProvider();
    const client = emulator.current.state.createClient();
    const credentials = new ExternalAccountCredentials({
      audience,
      subjectTokenType: JWT_TYPE,
      tokenUrl: `${emulator.current.url}/v1/token`,
      tokenInfoUrl: `${emulator.current.url}/v1/introspect`,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      subjectTokenSupplier: { getSubjectToken: async () => jwt },
    });
    const info = await credentials.tokenInfo();
    assert.equal(info.active, true);
    assert.equal(info.clientId, client.clientId);
  });

  it('defaults token_url to STS in the configured universe', () => {
    const credentials = ExternalAccountCredentials.fromJson({
      type: 'external_account',
      audience:
        '//iam.example.test/projects/1/locations/global/workloadIdentityPools/p/providers/q',
      subject_token_type: JWT_TYPE,
      credential_source: { file: '/dev/null' },
      universe_domain: 'example.test',
    });
    assert.equal(credentials.tokenUrl, 'https://sts.example.test/v1/token');
  });

  it('answers an STS rejection of a forged token as OAuthError invalid_grant without the token', async () => {
    const { audience } = await oidcProvider();
    const forged = await emulator.current.state.federation.idp.issueToken({
      audience: 'https://someone-else',
    });
    const file = await writeScratch(dir, 'forged.txt', forged);
    const credentials = ExternalAccountCredentials.fromJson(
      oidcConfig(emulator.current, audience, { file }),
      { http: FAST_HTTP },
    );
    const error = await credentials.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, 'ERR_INVALID_GRANT');
    assertNoSecrets(error, [forged]);
  });

  it('names the missing file, the JSON field and junk content in typed errors', async () => {
    const { audience } = await oidcProvider();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ file: `${dir}/absent.txt` }, /absent\.txt cannot be read \(ENOENT\)/],
      [{ file: await writeScratch(dir, 'empty.txt', '  \n') }, /is empty/],
      [
        {
          file: await writeScratch(dir, 'junk.json', 'not json'),
          format: { type: 'json', subject_token_field_name: 'id_token' },
        },
        /is not JSON/,
      ],
      [
        {
          file: await writeScratch(dir, 'nofield.json', '{"other":"x"}'),
          format: { type: 'json', subject_token_field_name: 'id_token' },
        },
        /no string field 'id_token'/,
      ],
    ];
    for (const [source, message] of cases) {
      const error = await ExternalAccountCredentials.fromJson(
        oidcConfig(emulator.current, audience, source),
      )
        .getAccessToken()
        .catch((e: unknown) => e);
      assert.ok(error instanceof SubjectTokenError, String(error));
      assert.equal(error.code, 'ERR_SUBJECT_TOKEN');
      assert.match(error.message, message);
    }
  });

  it('rejects credential configurations with a missing or wrong field, naming it', () => {
    const good = {
      type: 'external_account',
      audience: '//iam.googleapis.com/x',
      subject_token_type: JWT_TYPE,
      credential_source: { file: '/f' },
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, audience: undefined }, 'audience'],
      [{ ...good, subject_token_type: 7 }, 'subject_token_type'],
      [{ ...good, credential_source: undefined }, 'credential_source'],
      [{ ...good, credential_source: { file: '/f', url: 'http://x' } }, 'credential_source'],
      [
        { ...good, credential_source: { file: '/f', format: { type: 'xml' } } },
        'credential_source.format.type',
      ],
      [
        { ...good, credential_source: { executable: { command: 'x', timeout_millis: 1 } } },
        'credential_source.executable.timeout_millis',
      ],
      [
        {
          ...good,
          credential_source: {
            environment_id: 'aws2',
            regional_cred_verification_url: 'https://x',
          },
        },
        'credential_source.environment_id',
      ],
      [
        { ...good, service_account_impersonation: { token_lifetime_seconds: 60 } },
        'service_account_impersonation.token_lifetime_seconds',
      ],
    ];
    for (const [json, field] of cases) {
      assert.throws(
        () => ExternalAccountCredentials.fromJson(json),
        (e: unknown) =>
          (e as { code?: string }).code === 'ERR_INVALID_CREDENTIALS' &&
          (e as { field?: string }).field === field,
        field,
      );
    }
  });
});
