/**
 * The edge runtimes (workerd, Deno, Bun) the edge tests run warrant in, installed outside
 * node_modules so `npm install` never downloads them, and the scenario those tests share.
 *
 * They run once per CI build, not once per Node version: .ci/run installs them and sets
 * WARRANT_EDGE_RUNTIMES=1 for one run. Outside CI a missing runtime is installed on demand;
 * under CI=true it fails the test.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { AuthorizedUserJson, Emulator } from '../../src/testing/index.js';

const run = promisify(execFile);

/** The versions the proof was made with; .ci/run installs the same ones. */
export const RUNTIME_PACKAGES = {
  workerd: 'workerd@1.20261123.1',
  deno: 'deno@2.9.6',
  bun: 'bun@1.4.5',
} as const;
export type Runtime = keyof typeof RUNTIME_PACKAGES;

export const REPO = resolve(import.meta.dirname, '../..');
export const RUNTIMES_DIR =
  process.env.WARRANT_RUNTIMES_DIR ?? join(homedir(), '.cache', 'warrant-runtimes');
export const CHROMIUM = '/usr/bin/chromium';

/** Whether this mocha run includes the edge runtime tests (all but the extra CI runs). */
export const edgeRuntimesEnabled =
  process.env.CI !== 'true' || process.env.WARRANT_EDGE_RUNTIMES === '1';

/** The path of a runtime's binary: installed on demand outside CI, a failure under CI. */
export async function runtimeBinary(runtime: Runtime): Promise<string> {
  const binary = join(RUNTIMES_DIR, 'node_modules', '.bin', runtime);
  if (existsSync(binary)) return binary;
  if (process.env.CI === 'true') {
    throw new Error(`${binary} is missing: .ci/run must install ${RUNTIME_PACKAGES[runtime]}`);
  }
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefix', RUNTIMES_DIR, RUNTIME_PACKAGES[runtime]],
    { timeout: 300_000 },
  );
  return binary;
}

/** The built edge entry; npm test builds it before mocha runs. */
export function checkEdgeBuild(): void {
  if (!existsSync(join(REPO, 'dist/edge/edge.js'))) {
    throw new Error('dist/edge/edge.js is missing: run `npm run build` first');
  }
}

/**
 * A throwaway project that depends on warrant as users' projects do (node_modules/warrant is
 * this repository), holding the shared scenario. Removed by the returned function.
 */
export async function userProject(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'warrant-edge-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(REPO, join(dir, 'node_modules', 'warrant'), 'dir');
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ type: 'module', dependencies: { warrant: '*' } }),
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const SCENARIO = join(REPO, 'test/fixtures/edge/scenario.js');

/** What the scenario needs from the emulator: keys, URLs, and an IAP JWT minted here. */
export interface ScenarioInput {
  rsaKey: unknown;
  ecKey: unknown;
  echoUrl: string;
  audience: string;
  jwksUrl: string;
  iapJwt: string;
  iapAudience: string;
  iapJwksUrl: string;
  user: AuthorizedUserJson;
  authorizationUrl: string;
  federation: FederationInput;
}

/** What the scenario federates and impersonates with. */
export interface FederationInput {
  /** `external_account` JSON whose url credential_source is {@link subjectTokenEndpoint}. */
  urlSource: Record<string, unknown>;
  /** generateAccessToken URL of {@link target}, which the pool's subject may impersonate. */
  impersonationUrl: string;
  /** The service account ImpersonatedCredentials acts as; the RSA account may. */
  target: string;
  targetKey: string;
  iamEndpoint: string;
  aws: {
    options: { audience: string; subjectTokenType: string; tokenUrl: string };
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  };
  /** The IAM principal of the pool's subject, as the echo API names it. */
  poolSubject: string;
}

/** A loopback endpoint answering a subject token as JSON, as a url credential_source reads it. */
export interface SubjectTokenEndpoint {
  url: string;
  serve(token: string): void;
  close(): Promise<void>;
}

export async function subjectTokenEndpoint(): Promise<SubjectTokenEndpoint> {
  let token = '';
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id_token: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    serve: (next) => {
      token = next;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fresh OIDC pool serving its subject's token at `endpoint`, a target account, an AWS pool. */
async function federationInput(
  emulator: Emulator,
  endpoint: SubjectTokenEndpoint,
): Promise<FederationInput> {
  const { federation } = emulator.state;
  const { audience } = federation.createProvider('oidc');
  const subject = 'repo:example/edge:ref:refs/heads/main';
  endpoint.serve(await federation.idp.issueToken({ audience, subject }));
  const pool = audience.replace(/\/providers\/[^/]+$/, '');
  const poolSubject = `principal:${pool}/subject/${subject}`;
  const target = emulator.createServiceAccount();
  emulator.grantTokenCreator(poolSubject, target.client_email);
  const rsaEmail = emulator.serviceAccountKey.client_email;
  emulator.grantTokenCreator(rsaEmail, target.client_email);
  const tokenUrl = `${emulator.url}/v1/token`;
  return {
    urlSource: {
      type: 'external_account',
      audience,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: tokenUrl,
      credential_source: {
        url: endpoint.url,
        format: { type: 'json', subject_token_field_name: 'id_token' },
      },
    },
    impersonationUrl: `${emulator.url}/v1/projects/-/serviceAccounts/${target.client_email}:generateAccessToken`,
    target: target.client_email,
    targetKey: target.private_key,
    iamEndpoint: emulator.url,
    aws: {
      options: {
        audience: federation.createProvider('aws').audience,
        subjectTokenType: 'urn:ietf:params:aws:token-type:aws4_request',
        tokenUrl,
      },
      region: 'eu-west-3',
      credentials: federation.createAwsIdentity({ temporary: true }),
    },
    poolSubject,
  };
}

/** The scenario's input; its ES256 account and user are made once per emulator. */
export async function scenarioInput(
  emulator: Emulator,
  subjectTokens: SubjectTokenEndpoint,
): Promise<ScenarioInput> {
  const iapAudience = '/projects/123/apps/edge-app';
  let accounts = ACCOUNTS.get(emulator);
  if (!accounts) {
    accounts = {
      ecKey: emulator.createServiceAccount({
        algorithm: 'ES256',
        email: 'edge-es256@emulated-project.iam.gserviceaccount.com',
      }),
      // Without openid, so its refresh grant returns no ID token to verify against discovery.
      user: emulator.createUser({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }),
    };
    ACCOUNTS.set(emulator, accounts);
  }
  return {
    rsaKey: emulator.serviceAccountKey,
    ecKey: accounts.ecKey,
    echoUrl: emulator.echoUrl,
    audience: 'https://edge-service.example',
    jwksUrl: emulator.jwksUrl,
    iapJwt: await emulator.state.iap.issueJwt({
      audience: iapAudience,
      email: 'iap-user@example.com',
    }),
    iapAudience,
    iapJwksUrl: `${emulator.url}/iap/verify/public_key-jwk`,
    user: accounts.user,
    authorizationUrl: `${emulator.url}/o/oauth2/v2/auth`,
    federation: await federationInput(emulator, subjectTokens),
  };
}

const ACCOUNTS = new WeakMap<Emulator, { ecKey: unknown; user: AuthorizedUserJson }>();

/** The result of one verification run. */
export interface VerifyRun {
  google: { email: string; audience: string };
  iap: { email: string; issuer: string };
  forged: string;
}

/** Checks what a runtime reports after verifying tokens. */
export function assertVerified(run: VerifyRun, input: ScenarioInput, googleEmail: string): void {
  assert.deepEqual(run.google, { email: googleEmail, audience: input.audience });
  assert.deepEqual(run.iap, {
    email: 'iap-user@example.com',
    issuer: 'https://cloud.google.com/iap',
  });
  assert.equal(run.forged, 'ERR_ID_TOKEN_SIGNATURE');
}

/** What the federation step reports (see federate in the scenario). */
interface FederationRun {
  federated: { status: number; principal: string };
  federatedAsAccount: { status: number; principal: string };
  aws: { status: number; principal: string };
  impersonated: { status: number; principal: string };
  signedLocally: SignedRun;
  signedByIam: SignedRun;
  fileSource: string;
}

interface SignedRun {
  signerEmail: string;
  isBytes: boolean;
  hex: string;
}

/** Checks the federation step: every token called the API, both signatures verify here. */
function assertFederation(run: FederationRun, input: ScenarioInput): void {
  const { federation } = input;
  const rsaKey = input.rsaKey as { client_email: string; private_key: string };
  assert.deepEqual(run.federated, { status: 200, principal: federation.poolSubject });
  assert.deepEqual(run.federatedAsAccount, { status: 200, principal: federation.target });
  assert.equal(run.aws.status, 200);
  assert.deepEqual(run.impersonated, { status: 200, principal: federation.target });
  for (const [signed, email, key] of [
    [run.signedLocally, rsaKey.client_email, rsaKey.private_key],
    [run.signedByIam, federation.target, federation.targetKey],
  ] as const) {
    assert.equal(signed.signerEmail, email);
    assert.equal(signed.isBytes, true);
    const data = Buffer.from('signed at the edge');
    const signature = Buffer.from(signed.hex, 'hex');
    assert.ok(verify('sha256', data, createPublicKey(key), signature), `signature of ${email}`);
  }
  assert.equal(run.fileSource, 'ERR_NODE_ONLY');
}

/** What the OAuth provider step reports. */
interface OAuthRun {
  codeVerifier: string;
  codeChallenge: string;
  state: number;
  echo: { status: number; principal: string };
}

/**
 * Checks what runScenario reported: the API calls authorized (service accounts, federation,
 * impersonation), tokens verified, signatures made, Node-only features refused, and the second
 * (warm) run served from the isolate's caches.
 */
export function assertScenario(
  result: {
    runs: (VerifyRun & { federation: FederationRun } & Record<string, unknown>)[];
    nodeOnly: string;
    oauth: OAuthRun;
  },
  input: ScenarioInput,
  emulator: Emulator,
): void {
  const rsaEmail = (input.rsaKey as { client_email: string }).client_email;
  const ecEmail = (input.ecKey as { client_email: string }).client_email;
  assert.equal(result.runs.length, 2);
  for (const run of result.runs) {
    assert.deepEqual(run.bearer, { status: 200, principal: rsaEmail });
    assert.deepEqual(run.selfSigned, { status: 200, principal: ecEmail });
    assertVerified(run, input, rsaEmail);
    assertFederation(run.federation, input);
  }
  assert.equal(result.nodeOnly, 'ERR_NODE_ONLY');
  const { oauth } = result;
  assert.equal(
    oauth.codeChallenge,
    createHash('sha256').update(oauth.codeVerifier).digest('base64url'),
  );
  assert.equal(oauth.state, 32);
  assert.equal(oauth.echo.status, 200);
  assert.match(oauth.echo.principal, /@/);
  // One access token and one ID token for both runs, one refresh; each key set fetched once.
  assert.equal(emulator.hits.token, 3);
  assert.equal(emulator.hits.jwks, 1);
  assert.equal(emulator.hits['iap-jwks'], 1);
  // Three federated tokens and two impersonated ones for both runs; every signature is fresh.
  assert.equal(emulator.hits.sts, 3);
  assert.equal(emulator.hits.generateAccessToken, 2);
  assert.equal(emulator.hits.signBlob, 2);
}
