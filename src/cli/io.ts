import { homedir } from 'node:os';
import type { Environment } from '../metadata/environment.js';
import { openInBrowser, type BrowserOpener } from '../flows/browser.js';

/** Everything the CLI touches outside itself, injectable so commands run inside tests. */
export interface CliIo {
  /** Receives only what was asked for: a token, token info. */
  stdout: (text: string) => void;
  /** Receives every message for the user. */
  stderr: (text: string) => void;
  env: Environment;
  homedir: string;
  platform: NodeJS.Platform;
  /** Opens the login URL; default the platform's opener. */
  openBrowser: BrowserOpener;
  /** Fires on Ctrl-C; ends a login in progress. */
  signal?: AbortSignal;
}

/** The real process's streams, environment and home. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    homedir: homedir(),
    platform: process.platform,
    openBrowser: openInBrowser,
    signal,
  };
}
