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

// Controls other than tab and newline: CR rewrites a line, ESC drives the terminal, and the
// Unicode separators split lines in some viewers.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Shows control characters as `\uXXXX`, so text from a server never drives the terminal. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `io` whose stdout and stderr never write a control character raw. */
export function printableIo(io: CliIo): CliIo {
  return {
    ...io,
    stdout: (text) => io.stdout(printable(text)),
    stderr: (text) => io.stderr(printable(text)),
  };
}
