import { nodeFsPromises, nodePath } from '../platform/node-builtins.js';
import { InvalidOptionsError } from '../errors.js';
import { envValue, type Environment } from '../metadata/environment.js';

/** Where a project id was found, for logs and the CLI. */
export type ProjectIdSource =
  | 'option'
  | 'GOOGLE_CLOUD_PROJECT'
  | 'GCLOUD_PROJECT'
  | 'credentials'
  | 'CLOUDSDK_CORE_PROJECT'
  | 'gcloud configuration'
  | 'metadata server';

/** The inputs of {@link findProjectId}, in the order they are consulted. */
export interface ProjectIdInputs {
  /** An explicit project id. */
  projectId?: string;
  env: Environment;
  /**
   * The credentials found: their `projectId` (a service account key's `project_id`) counts, else
   * their `fetchProjectId()` (federated credentials look theirs up).
   */
  credentials?: unknown;
  /** gcloud's configuration directory. */
  gcloudConfigDir: string;
  /**
   * Asks the metadata server, only when detection says we are on Google Cloud; resolves
   * undefined otherwise. Called last, so a project found earlier costs no probe. `startedAt`
   * (a `performance.now()` value) is when the search began reading gcloud's files: a detection
   * bounded from there keeps those reads inside its bound instead of adding them to it.
   */
  fromMetadata: (startedAt: number) => Promise<string | undefined>;
}

/**
 * Finds the project to bill and address, in order: the option, `GOOGLE_CLOUD_PROJECT`,
 * `GCLOUD_PROJECT`, the credentials' project (a key's `project_id`, or the one federated
 * credentials look up), gcloud's configuration (read from its files,
 * never by running gcloud), the metadata server. Resolves undefined when none knows.
 */
export async function findProjectId(
  inputs: ProjectIdInputs,
): Promise<{ projectId: string; source: ProjectIdSource } | undefined> {
  if (inputs.projectId) return { projectId: inputs.projectId, source: 'option' };
  for (const name of ['GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'] as const) {
    const value = envValue(inputs.env, name);
    if (value !== undefined) return { projectId: value, source: name };
  }
  // Only credentials that look their project up wait here: the clock below starts at once else.
  const { projectId, fetchProjectId } = (inputs.credentials ?? {}) as {
    projectId?: unknown;
    fetchProjectId?: unknown;
  };
  const fromCredentials =
    typeof projectId === 'string' && projectId !== ''
      ? projectId
      : typeof fetchProjectId === 'function'
        ? await lookUpProject(fetchProjectId as () => Promise<unknown>, inputs.credentials)
        : undefined;
  if (fromCredentials !== undefined) return { projectId: fromCredentials, source: 'credentials' };
  const startedAt = performance.now();
  const fromGcloud = await gcloudProject(inputs.gcloudConfigDir, inputs.env);
  if (fromGcloud) return fromGcloud;
  const fromMetadata = await inputs.fromMetadata(startedAt);
  return fromMetadata ? { projectId: fromMetadata, source: 'metadata server' } : undefined;
}

/** What credentials' `fetchProjectId` finds (federated credentials ask Cloud Resource Manager). */
async function lookUpProject(
  fetchProjectId: () => Promise<unknown>,
  credentials: unknown,
): Promise<string | undefined> {
  // A project the credentials cannot look up (no permission, API disabled) is not an error of
  // the search: the later sources may still know it.
  const fetched: unknown = await fetchProjectId.call(credentials).catch(() => undefined);
  return typeof fetched === 'string' && fetched !== '' ? fetched : undefined;
}

/**
 * The project gcloud would use, read straight from its files: `CLOUDSDK_CORE_PROJECT`, else
 * `[core] project` of the active configuration (`CLOUDSDK_ACTIVE_CONFIG_NAME`, else the name in
 * `<dir>/active_config`, else `default`) in `<dir>/configurations/config_<name>`.
 */
export async function gcloudProject(
  configDir: string,
  env: Environment,
): Promise<{ projectId: string; source: ProjectIdSource } | undefined> {
  const fromEnv = envValue(env, 'CLOUDSDK_CORE_PROJECT');
  if (fromEnv !== undefined) return { projectId: fromEnv, source: 'CLOUDSDK_CORE_PROJECT' };
  if (typeof configDir !== 'string') {
    throw new InvalidOptionsError(
      "gcloud's configuration directory must be a path (see gcloudConfigDir())",
    );
  }
  const active =
    envValue(env, 'CLOUDSDK_ACTIVE_CONFIG_NAME') ??
    ((await readOptional(nodePath().join(configDir, 'active_config')))?.trim() || 'default');
  // A configuration name is a file-name fragment; anything path-like is not one gcloud made.
  if (!/^[A-Za-z0-9._-]+$/.test(active)) return undefined;
  const config = await readOptional(
    nodePath().join(configDir, 'configurations', `config_${active}`),
  );
  const projectId = config === undefined ? undefined : iniValue(config, 'core', 'project');
  return projectId ? { projectId, source: 'gcloud configuration' } : undefined;
}

/** `key`'s value in `[section]` of INI text, as gcloud writes its configurations. */
export function iniValue(text: string, section: string, key: string): string | undefined {
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1].trim();
      continue;
    }
    const eq = line.search(/[=:]/);
    if (current === section && eq > 0 && line.slice(0, eq).trim() === key) {
      return line.slice(eq + 1).trim() || undefined;
    }
  }
  return undefined;
}

/** A file's text, or undefined when it cannot be read: gcloud's files are optional. */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await nodeFsPromises().readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
