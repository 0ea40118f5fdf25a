import { nodeOs, nodePath } from '../platform/node-builtins.js';
import { InvalidOptionsError } from '../errors.js';
import { envValue, type Environment } from '../metadata/environment.js';

/** The file gcloud (and `warrant login --save-adc`) writes application default credentials to. */
export const WELL_KNOWN_FILE_NAME = 'application_default_credentials.json';

/**
 * gcloud's configuration directory: `$CLOUDSDK_CONFIG`, else `%APPDATA%\gcloud` on Windows, else
 * `~/.config/gcloud`. Every input is a parameter so tests never depend on the real machine.
 */
export function gcloudConfigDir(
  env: Environment = process.env,
  platform: NodeJS.Platform = process.platform,
  homedir: string = nodeOs().homedir(),
): string {
  const configured = envValue(env, 'CLOUDSDK_CONFIG');
  if (configured !== undefined) return configured;
  if (typeof homedir !== 'string') {
    throw new InvalidOptionsError('homedir must be a path (e.g. os.homedir())');
  }
  if (platform === 'win32') {
    const appData =
      envValue(env, 'APPDATA') ?? nodePath().win32.join(homedir, 'AppData', 'Roaming');
    return nodePath().win32.join(appData, 'gcloud');
  }
  return nodePath().posix.join(homedir, '.config', 'gcloud');
}

/**
 * Where gcloud keeps application default credentials:
 * `<gcloud config dir>/application_default_credentials.json`.
 *
 * @example
 * ```ts
 * wellKnownCredentialsPath({}, 'linux', '/home/ada');
 * // '/home/ada/.config/gcloud/application_default_credentials.json'
 * ```
 */
export function wellKnownCredentialsPath(
  env: Environment = process.env,
  platform: NodeJS.Platform = process.platform,
  homedir: string = nodeOs().homedir(),
): string {
  const path = platform === 'win32' ? nodePath().win32 : nodePath().posix;
  return path.join(gcloudConfigDir(env, platform, homedir), WELL_KNOWN_FILE_NAME);
}
