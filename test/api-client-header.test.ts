import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComputeCredentials } from '../src/credentials/compute-credentials.js';
import { ImpersonatedCredentials } from '../src/credentials/impersonated-credentials.js';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { MetadataClient } from '../src/metadata/metadata-client.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { WARRANT_VERSION } from '../src/version.js';
import { useEmulator } from './support/emulator.js';

const PREFIX = `gl-node/${process.versions.node} auth/${WARRANT_VERSION}`;
const ID_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';

/** A server that answers as a token endpoint and a metadata server alike, keeping each request's headers. */
async function recordingServer(): Promise<{
  url: string;
  host: string;
  seen: IncomingHttpHeaders[];
  server: Server;
}> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'metadata-flavor': 'Google' });
    res.end(
      req.url?.includes('/identity')
        ? ID_TOKEN
        : JSON.stringify({
            access_token: 'at',
            id_token: ID_TOKEN,
            expires_in: 3600,
            // IAM Credentials' field names, for impersonation.
            accessToken: 'at',
            expireTime: new Date(Date.now() + 3_600_000).toISOString(),
            token: ID_TOKEN,
          }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/token`, host: `127.0.0.1:${port}`, seen, server };
}

describe('x-goog-api-client on the requests warrant sends itself', () => {
  const emulator = useEmulator();
  let recorder: Awaited<ReturnType<typeof recordingServer>>;
  beforeEach(async () => (recorder = await recordingServer()));
  afterEach(() => recorder.server.close());

  const sent = () => recorder.seen.map((h) => h['x-goog-api-client']);

  it('labels a service-account token request cred-type/sa and its ID-token request auth-request-type/it', async () => {
    const sa = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      tokenUri: recorder.url,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    const headers = await sa.getRequestHeaders();
    await sa.fetchIdToken('https://run.example.test');
    assert.deepEqual(sent(), [
      `${PREFIX} auth-request-type/at cred-type/sa`,
      `${PREFIX} auth-request-type/it cred-type/sa`,
    ]);
    assert.equal(headers.get('x-goog-api-client'), null, 'never in getRequestHeaders()');
  });

  it('labels a user refresh cred-type/u', async () => {
    const user = UserCredentials.fromJson(emulator.current.authorizedUser, {
      tokenUri: recorder.url,
    });
    const headers = await user.getRequestHeaders();
    assert.deepEqual(sent(), [`${PREFIX} auth-request-type/at cred-type/u`]);
    assert.equal(headers.get('x-goog-api-client'), null);
  });

  it('labels metadata token and identity reads cred-type/mds, and sends Metadata-Flavor still', async () => {
    const compute = new ComputeCredentials({
      metadataClient: new MetadataClient({ host: recorder.host }),
    });
    const headers = await compute.getRequestHeaders();
    await compute.fetchIdToken('https://run.example.test');
    assert.deepEqual(sent(), [
      `${PREFIX} auth-request-type/at cred-type/mds`,
      `${PREFIX} auth-request-type/it cred-type/mds`,
    ]);
    assert.ok(recorder.seen.every((h) => h['metadata-flavor'] === 'Google'));
    assert.equal(headers.get('x-goog-api-client'), null);
  });

  it('labels IAM generateAccessToken cred-type/imp and generateIdToken auth-request-type/it', async () => {
    const source = UserCredentials.fromJson(emulator.current.authorizedUser, {
      tokenUri: recorder.url,
    });
    const impersonated = new ImpersonatedCredentials({
      sourceCredentials: source,
      targetPrincipal: 'target@p.iam.gserviceaccount.com',
      iamEndpoint: `http://${recorder.host}`,
    });
    const headers = await impersonated.getRequestHeaders();
    await impersonated.fetchIdToken('https://run.example.test');
    assert.deepEqual(sent(), [
      `${PREFIX} auth-request-type/at cred-type/u`,
      `${PREFIX} auth-request-type/at cred-type/imp`,
      `${PREFIX} auth-request-type/it cred-type/imp`,
    ]);
    assert.equal(headers.get('x-goog-api-client'), null);
  });

  it('labels an STS token exchange cred-type/ext', async () => {
    const external = new ExternalAccountCredentials({
      audience:
        '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q',
      tokenUrl: recorder.url,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      subjectTokenSupplier: { getSubjectToken: async () => 'subject-token' },
    });
    const headers = await external.getRequestHeaders();
    assert.deepEqual(sent(), [`${PREFIX} auth-request-type/at cred-type/ext`]);
    assert.equal(headers.get('x-goog-api-client'), null);
  });

  it('names the version package.json declares', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    assert.equal(WARRANT_VERSION, pkg.version);
  });
});
