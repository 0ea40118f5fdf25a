import { posix, win32 } from 'node:path';
import { envValue } from '../metadata/environment.js';
import type { CliIo } from './io.js';

/** The store of `warrant login`: `$WARRANT_CONFIG_DIR/credentials.json`, else the user's config dir. */
export function credentialsStorePath(io: Pick<CliIo, 'env' | 'homedir' | 'platform'>): string {
  const path = io.platform === 'win32' ? win32 : posix;
  const configured = envValue(io.env, 'WARRANT_CONFIG_DIR');
  if (configured) return path.join(configured, 'credentials.json');
  if (io.platform === 'win32') {
    const appData = envValue(io.env, 'APPDATA') ?? win32.join(io.homedir, 'AppData', 'Roaming');
    return win32.join(appData, 'warrant', 'credentials.json');
  }
  const xdg = envValue(io.env, 'XDG_CONFIG_HOME') ?? posix.join(io.homedir, '.config');
  return posix.join(xdg, 'warrant', 'credentials.json');
}

/** The entry of the store `warrant login` writes and the other commands read. */
export const LOGIN_KEY = 'default';
