import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** The export conditions package.json gives the edge declarations (dist/src/edge.d.ts). */
const EDGE_CONDITIONS = ['workerd', 'deno', 'bun', 'browser', 'worker'];

// `Equal<A, B>` is `true` only for identical types, so a widened or narrowed option fails tsc.
const EQUAL = `type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;`;

/** A Worker using the edge API, compiled with no @types/node and no gaxios installed. */
const EDGE_PROGRAM = `
import {
  AuthError,
  AuthorizedClient,
  ExternalAccountCredentials,
  ImpersonatedCredentials,
  NodeOnlyError,
  PublicKeyCache,
  ServiceAccountCredentials,
  UserCredentials,
  WebCryptoSigner,
  verifyIdToken,
  type HttpOptions,
  type ServiceAccountOptions,
  type SubjectTokenSupplier,
} from 'warrant';
import { buildTokenRequest, codeChallengeS256, createCodeVerifier } from 'warrant/protocol';

${EQUAL}
// What only Node can supply is absent here: a PEM string, no agent, no gaxios request().
export const pemOnly: Equal<ServiceAccountOptions['privateKey'], string> = true;
export const noAgent: Equal<HttpOptions['agent'], undefined> = true;
export const verifyKeyIsCryptoKey: Equal<
  Awaited<ReturnType<PublicKeyCache['get']>>['verifyKey'] extends { usages: readonly string[] } ? 1 : 0,
  1
> = true;

interface Env {
  SERVICE_ACCOUNT_KEY: string;
  AUTHORIZED_USER: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const key = JSON.parse(env.SERVICE_ACCOUNT_KEY) as { private_key: string; private_key_id: string };
    const signer = new WebCryptoSigner(key.private_key, key.private_key_id);
    const signature: Uint8Array = await signer.sign(new TextEncoder().encode('header.payload'));
    const serviceAccount = ServiceAccountCredentials.fromJson(JSON.parse(env.SERVICE_ACCOUNT_KEY), {
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      useSelfSignedJwt: true,
    });
    const user = UserCredentials.fromJson(JSON.parse(env.AUTHORIZED_USER));
    const impersonated = new ImpersonatedCredentials({
      sourceCredentials: user,
      targetPrincipal: 'target@project.iam.gserviceaccount.com',
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
    const supplier: SubjectTokenSupplier = {
      getSubjectToken: async () => request.headers.get('x-subject-token') ?? '',
    };
    const federated = new ExternalAccountCredentials({
      audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      subjectTokenSupplier: supplier,
      http: { timeoutMs: 5000, fetch },
    });
    // @ts-expect-error: request() is gaxios, which needs Node; the edge calls fetch()
    void new AuthorizedClient(federated).request({ url: 'https://example.com' });
    const tokenRequest = buildTokenRequest('https://oauth2.googleapis.com/token', {
      grant_type: 'authorization_code',
      code_verifier: createCodeVerifier(),
    });
    try {
      const verified = await verifyIdToken(request.headers.get('authorization') ?? '', {
        audience: 'https://my-worker.example',
      });
      const headers = await impersonated.getRequestHeaders();
      headers.set('x-caller', verified.email ?? verified.userId);
      headers.set('x-challenge', codeChallengeS256(tokenRequest.url));
      headers.set('x-signature-bytes', String(signature.length + (await serviceAccount.sign('x')).signature.length));
      return await new AuthorizedClient(serviceAccount).fetch('https://storage.googleapis.com/storage/v1/b', {
        headers,
      });
    } catch (error) {
      if (error instanceof NodeOnlyError || !(error instanceof AuthError)) throw error;
      return new Response(error.code, { status: 401 });
    }
  },
};
`;

/** A Node program: KeyObjects, http.Agents and gaxios' types are accepted and typed as before. */
const NODE_PROGRAM = `
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Agent } from 'node:http';
import type { GaxiosOptions, GaxiosResponse } from 'gaxios';
import {
  AuthorizedClient,
  KeyObjectSigner,
  ServiceAccountCredentials,
  type ClientPrivateKey,
  type ExternalAccountOptions,
  type HttpOptions,
  type ServiceAccountOptions,
} from 'warrant';

${EQUAL}
export const keyObject: Equal<ServiceAccountOptions['privateKey'], string | KeyObject> = true;
export const agent: Equal<HttpOptions['agent'], Agent | undefined> = true;
export const jwk: Equal<Extract<ClientPrivateKey, object>, KeyObject | import('node:crypto').JsonWebKey> = true;
export const env: ExternalAccountOptions['env'] = process.env;
export const gaxiosOptions: Equal<Parameters<AuthorizedClient['request']>[0], GaxiosOptions> = true;

export async function main(pem: string): Promise<number> {
  const privateKey = createPrivateKey(pem);
  const credentials = new ServiceAccountCredentials({
    clientEmail: 'sa@project.iam.gserviceaccount.com',
    privateKey,
    http: { agent: new Agent({ keepAlive: true }) },
  });
  const signerKey: KeyObject = new KeyObjectSigner(privateKey).key;
  const response = await new AuthorizedClient(credentials).request<{ items: number[] }>({
    url: 'https://storage.googleapis.com/storage/v1/b',
  });
  const typed: Equal<typeof response, GaxiosResponse<{ items: number[] }>> = true;
  return response.data.items.length + signerKey.symmetricKeySize! + Number(typed);
}
`;

/** A Node program that imports subpaths only, never 'warrant': their options keep Node's types. */
const NODE_SUBPATHS_PROGRAM = `
import type { Agent } from 'node:http';
import type { OAuth1ClientOptions } from 'warrant/oauth1';
import { exchangeToken } from 'warrant/protocol';
import type { MemoryTokenCacheOptions } from 'warrant/cache';
import { startEmulator } from 'warrant/testing';

${EQUAL}
type Http = NonNullable<Parameters<typeof exchangeToken>[1]>;
export const protocolAgent: Equal<Http['agent'], Agent | undefined> = true;
export const oauth1Agent: Equal<NonNullable<OAuth1ClientOptions['http']>['agent'], Agent | undefined> = true;
export const cacheOptions: MemoryTokenCacheOptions | undefined = undefined;
export const emulator: ReturnType<typeof startEmulator> | undefined = undefined;
`;

const EDGE_TSCONFIG = {
  module: 'ESNext',
  moduleResolution: 'Bundler',
  target: 'ES2022',
  lib: ['ES2022', 'DOM'],
  types: [],
  strict: true,
  skipLibCheck: false,
  noEmit: true,
};

const NODE_TSCONFIG = {
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  target: 'ES2022',
  lib: ['ES2022'],
  types: ['node'],
  strict: true,
  skipLibCheck: false,
  noEmit: true,
};

async function compile(dir: string, config: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [tsc, '-p', config], { cwd: dir });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

// These compile against the packed package (`npm test` builds before mocha), as its users do.
describe('the published type declarations', function () {
  // Seven tsc runs and an npm pack: CPU work, which on a loaded 2-core box takes well over the
  // default 20 s (one run under load timed out at it).
  this.timeout(180_000);
  let dir: string;

  let tarball: string;

  /** Installs the packed warrant into `project`, as `npm install <tarball>` lays it out. */
  async function install(project: string): Promise<void> {
    await mkdir(join(project, 'node_modules'), { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', join(project, 'node_modules')]);
    await rename(join(project, 'node_modules/package'), join(project, 'node_modules/warrant'));
    await writeFile(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
  }

  before(async function () {
    assert.ok(
      existsSync(`${root}dist/src/edge.d.ts`),
      'dist/ is missing: run `npm run build` first',
    );
    dir = await mkdtemp(join(tmpdir(), 'warrant-edge-types-'));
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
      { cwd: root },
    );
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    tarball = join(dir, filename);
  });

  after(async function () {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('compile an edge program with no @types/node and no gaxios, under every edge condition', async function () {
    const edgeDir = join(dir, 'edge-program');
    await install(edgeDir);
    await writeFile(join(edgeDir, 'worker.ts'), EDGE_PROGRAM);
    const failures: string[] = [];
    for (const condition of EDGE_CONDITIONS) {
      const config = `tsconfig.${condition}.json`;
      await writeFile(
        join(edgeDir, config),
        JSON.stringify({
          compilerOptions: { ...EDGE_TSCONFIG, customConditions: [condition] },
          files: ['worker.ts'],
        }),
      );
      const { code, output } = await compile(edgeDir, config);
      if (code !== 0 || output !== '') failures.push(`${condition} (exit ${code}):\n${output}`);
    }
    assert.deepEqual(failures, []);
  });

  it('compile a Node program with @types/node and gaxios, KeyObject, http.Agent and gaxios types unchanged', async function () {
    const nodeDir = join(dir, 'node-program');
    await install(nodeDir);
    await mkdir(join(nodeDir, 'node_modules/@types'));
    for (const dependency of ['@types/node', 'undici-types', 'gaxios', 'jose']) {
      await symlink(
        join(root, 'node_modules', dependency),
        join(nodeDir, 'node_modules', dependency),
        'dir',
      );
    }
    const failures: string[] = [];
    for (const [program, source] of [
      ['main.ts', NODE_PROGRAM],
      ['subpaths.ts', NODE_SUBPATHS_PROGRAM],
    ]) {
      await writeFile(join(nodeDir, program), source);
      const config = `tsconfig.${program}.json`;
      await writeFile(
        join(nodeDir, config),
        JSON.stringify({ compilerOptions: NODE_TSCONFIG, files: [program] }),
      );
      const { code, output } = await compile(nodeDir, config);
      if (code !== 0 || output !== '') failures.push(`${program} (exit ${code}):\n${output}`);
    }
    assert.deepEqual(failures, []);
  });
});
