import { nodeFsPromises, nodeOs, nodePath } from '../platform/node-builtins.js';
import { AuthError, InvalidCredentialsError, InvalidOptionsError } from '../errors.js';
import { checkEnvironment, envValue, type Environment } from '../metadata/environment.js';
import { defaultMetadataClient, MetadataClient } from '../metadata/metadata-client.js';
import { ComputeCredentials } from '../credentials/compute-credentials.js';
import { normalizeScopes, type Credentials } from '../credentials/credentials.js';
import { credentialsFromJson, loadCredentialsFile } from './load-credentials.js';
import { findProjectId } from './project-id.js';
import { gcloudConfigDir, WELL_KNOWN_FILE_NAME } from './well-known-file.js';

/** What the caller wants from {@link defaultCredentials}. */
export interface DefaultCredentialsOptions {
  /** OAuth scopes for whatever credentials are found. */
  scopes?: string | readonly string[];
  /** Project billed for quota; wins over `GOOGLE_CLOUD_QUOTA_PROJECT` and the file's. */
  quotaProjectId?: string;
  /** The project id to report; skips project discovery. */
  projectId?: string;
  /** Path of a credentials JSON file to use instead of searching. */
  keyFile?: string;
  /** A parsed credentials JSON object to use instead of searching. */
  credentials?: Record<string, unknown>;
}

/** Options of one search, which the resolver's constructor does not take. */
const SEARCH_OPTIONS = ['scopes', 'quotaProjectId', 'projectId', 'keyFile', 'credentials'] as const;

/** Where {@link defaultCredentials} found the credentials. */
export type DefaultCredentialsSource =
  | 'keyFile option'
  | 'credentials option'
  | 'GOOGLE_APPLICATION_CREDENTIALS'
  | 'gcloud application default credentials'
  | 'metadata server';

/** The answer of {@link defaultCredentials}. */
export interface DefaultCredentialsResult {
  credentials: Credentials;
  /** The project, when any source knows it; undefined is not an error. */
  projectId?: string;
  source: DefaultCredentialsSource;
}

/** The machine a resolver looks at; every field defaults to the real one. */
export interface DefaultCredentialsResolverOptions {
  /** Environment variables. Default `process.env`, read at each search. */
  env?: Environment;
  /** The user's home directory. Default `os.homedir()`. */
  homedir?: string;
  /** Decides gcloud's directory layout. Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** gcloud's configuration directory; default from `CLOUDSDK_CONFIG`, the platform and home. */
  gcloudConfigDir?: string;
  /** Default: a client reading `env`, or the shared `defaultMetadataClient` when no env is given. */
  metadataClient?: MetadataClient;
}

const GCLOUD_LOGIN = '`gcloud auth application-default login` or `warrant login --save-adc`';

/**
 * Finds Application Default Credentials and the project, once per distinct options: concurrent
 * callers share one search, and a failed search is tried again on the next call.
 *
 * @example
 * ```ts
 * const resolver = new DefaultCredentialsResolver({ env: { GOOGLE_APPLICATION_CREDENTIALS: 'key.json' } });
 * const { credentials, projectId } = await resolver.resolve({
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 * });
 * ```
 */
export class DefaultCredentialsResolver {
  readonly #machine: DefaultCredentialsResolverOptions;
  readonly #metadata: MetadataClient;
  readonly #results = new Map<string, Promise<DefaultCredentialsResult>>();

  constructor(machine: DefaultCredentialsResolverOptions = {}) {
    checkMachine(machine);
    this.#machine = { ...machine };
    this.#metadata =
      machine.metadataClient ??
      (machine.env || machine.platform
        ? new MetadataClient({ env: machine.env, platform: machine.platform })
        : defaultMetadataClient);
  }

  /** Searches (or joins the search already made) for credentials matching `options`. */
  resolve(options: DefaultCredentialsOptions = {}): Promise<DefaultCredentialsResult> {
    let key: string;
    try {
      key = memoKey(options);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    let result = this.#results.get(key);
    if (!result) {
      result = this.#resolve(options);
      this.#results.set(key, result);
      result.catch(() => this.#results.delete(key));
    }
    return result;
  }

  /** Forgets every answer, e.g. after the environment changed. */
  clear(): void {
    this.#results.clear();
  }

  async #resolve(options: DefaultCredentialsOptions): Promise<DefaultCredentialsResult> {
    // Detection, wherever the search needs it, is bounded from here: reading files before the
    // probe counts against the bound instead of adding to it.
    const searchStartedAt = performance.now();
    const env = this.#env();
    const found = await this.#find(options, env, searchStartedAt);
    let credentials = found.credentials;
    const scopes = normalizeScopes(options.scopes);
    if (scopes.length > 0) credentials = credentials.withScopes(scopes);
    const quotaProjectId = options.quotaProjectId ?? envValue(env, 'GOOGLE_CLOUD_QUOTA_PROJECT');
    if (quotaProjectId) credentials = credentials.withQuotaProject(quotaProjectId);
    const project = await findProjectId({
      projectId: options.projectId,
      env,
      credentials,
      gcloudConfigDir: this.#gcloudConfigDir(env),
      fromMetadata: (startedAt) =>
        this.#metadataProject(
          found.source === 'metadata server',
          Math.min(startedAt, searchStartedAt),
        ),
    });
    return { credentials, projectId: project?.projectId, source: found.source };
  }

  async #find(
    options: DefaultCredentialsOptions,
    env: Environment,
    searchStartedAt: number,
  ): Promise<Pick<DefaultCredentialsResult, 'credentials' | 'source'>> {
    if (options.keyFile !== undefined && options.credentials !== undefined) {
      throw new InvalidOptionsError('pass either keyFile or credentials, not both');
    }
    if (options.keyFile !== undefined) {
      return { credentials: await loadCredentialsFile(options.keyFile), source: 'keyFile option' };
    }
    if (options.credentials !== undefined) {
      const credentials = credentialsFromJson(options.credentials, {
        source: 'the credentials option',
      });
      return { credentials, source: 'credentials option' };
    }

    const tried: string[] = [];
    const fromEnv = envValue(env, 'GOOGLE_APPLICATION_CREDENTIALS');
    if (fromEnv !== undefined) {
      const credentials = await loadWithContext(
        fromEnv,
        'GOOGLE_APPLICATION_CREDENTIALS',
        'point it at a credentials JSON file, or unset it',
      );
      return { credentials, source: 'GOOGLE_APPLICATION_CREDENTIALS' };
    }
    tried.push(
      'GOOGLE_APPLICATION_CREDENTIALS: not set (set it to the path of a service account key or other credentials JSON file)',
    );

    const wellKnown = this.#wellKnownFile(env);
    if (await exists(wellKnown)) {
      const credentials = await loadWithContext(
        wellKnown,
        "gcloud's application default credentials",
        `write it again with ${GCLOUD_LOGIN}, or delete it`,
      );
      return { credentials, source: 'gcloud application default credentials' };
    }
    tried.push(
      `gcloud's application default credentials: no file at ${wellKnown} (run ${GCLOUD_LOGIN})`,
    );

    const detection = await this.#metadata.detect({
      trustResidency: true,
      startedAt: searchStartedAt,
    });
    if (detection.onGoogleCloud) {
      return {
        credentials: new ComputeCredentials({ metadataClient: this.#metadata }),
        source: 'metadata server',
      };
    }
    tried.push(
      `the metadata server: not on Google Cloud (${detection.reason}); on Compute Engine, GKE, Cloud Run and Cloud Functions it is found automatically, and GCE_METADATA_HOST points at an emulator`,
    );
    throw new AuthError(
      'ERR_NO_CREDENTIALS',
      `no Google credentials found (pass keyFile or credentials to use some explicitly). Tried, in order:\n${tried.map((line) => `  - ${line}`).join('\n')}`,
    );
  }

  /** The metadata server's project, asked only when detection says we are on Google Cloud. */
  async #metadataProject(
    usingMetadataCredentials: boolean,
    startedAt: number,
  ): Promise<string | undefined> {
    // With metadata credentials detection has already answered, possibly from residency alone.
    const detection = await this.#metadata.detect({
      trustResidency: usingMetadataCredentials,
      startedAt,
    });
    return detection.onGoogleCloud ? this.#metadata.project() : undefined;
  }

  #wellKnownFile(env: Environment): string {
    const path = this.#platform() === 'win32' ? nodePath().win32 : nodePath().posix;
    return path.join(this.#gcloudConfigDir(env), WELL_KNOWN_FILE_NAME);
  }

  #gcloudConfigDir(env: Environment): string {
    return (
      this.#machine.gcloudConfigDir ??
      gcloudConfigDir(env, this.#platform(), this.#machine.homedir ?? nodeOs().homedir())
    );
  }

  #platform(): NodeJS.Platform {
    return this.#machine.platform ?? process.platform;
  }

  #env(): Environment {
    return this.#machine.env ?? process.env;
  }
}

/** The resolver {@link defaultCredentials} uses: the real machine, one search per options. */
export const defaultCredentialsResolver = new DefaultCredentialsResolver();

/**
 * Application Default Credentials: the credentials this process should use, and its project.
 * Searches explicit options, `GOOGLE_APPLICATION_CREDENTIALS`, gcloud's well-known file, then
 * the metadata server (when detection says we are on Google Cloud), and fails with
 * `ERR_NO_CREDENTIALS` listing what it tried. The answer is remembered per options.
 *
 * @example
 * ```ts
 * const { credentials, projectId } = await defaultCredentials({
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 * });
 * ```
 */
export function defaultCredentials(
  options: DefaultCredentialsOptions = {},
): Promise<DefaultCredentialsResult> {
  return defaultCredentialsResolver.resolve(options);
}

/** Loads a file some setting pointed at; its errors say which setting and how to fix it. */
async function loadWithContext(path: string, setting: string, fix: string): Promise<Credentials> {
  try {
    return await loadCredentialsFile(path);
  } catch (error) {
    if (!(error instanceof InvalidCredentialsError)) throw error;
    throw new InvalidCredentialsError(`${setting}: ${error.message}; ${fix}`, {
      source: error.source ?? path,
      field: error.field,
    });
  }
}

/** Whether something is at `path`. Anything there, even a directory, must load or fail loudly. */
async function exists(path: string): Promise<boolean> {
  try {
    await nodeFsPromises().stat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return !(code === 'ENOENT' || code === 'ENOTDIR');
  }
}

function checkMachine(machine: DefaultCredentialsResolverOptions): void {
  if (typeof machine !== 'object' || machine === null) {
    throw new InvalidOptionsError('DefaultCredentialsResolver options must be an object');
  }
  for (const name of SEARCH_OPTIONS) {
    if (name in machine) {
      throw new InvalidOptionsError(
        `${name} is an option of resolve() and defaultCredentials(), not of the DefaultCredentialsResolver constructor`,
      );
    }
  }
  if (machine.env !== undefined) checkEnvironment(machine.env);
  for (const name of ['homedir', 'platform', 'gcloudConfigDir'] as const) {
    if (machine[name] !== undefined && typeof machine[name] !== 'string') {
      throw new InvalidOptionsError(`${name} must be a string when given`);
    }
  }
  if (machine.metadataClient !== undefined && !(machine.metadataClient instanceof MetadataClient)) {
    throw new InvalidOptionsError('metadataClient must be a MetadataClient when given');
  }
}

function memoKey(options: DefaultCredentialsOptions): string {
  return JSON.stringify([
    [...normalizeScopes(options.scopes)].sort(),
    options.quotaProjectId,
    options.projectId,
    options.keyFile,
    options.credentials,
  ]);
}
