import type { UserCredentials } from '../credentials/user-credentials.js';
import type { AuthorizationParams } from '../oauth/authorization-url.js';
import { openInBrowser, type BrowserOpener } from './browser.js';
import { Flow } from './flow.js';
import { LoopbackServer, type LoopbackHost } from './loopback-server.js';

/** Five minutes: long enough to find the tab, sign in and consent. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;

/** Options of {@link InstalledAppFlow.runLocalServer}. */
export interface RunLocalServerOptions extends AuthorizationParams {
  /** The redirect URI's host; the server listens on 127.0.0.1 either way. Default `127.0.0.1`. */
  host?: LoopbackHost;
  /** Port to listen on; 0 (the default) picks a free one. A busy port fails with `ERR_PORT_IN_USE`. */
  port?: number;
  /** Open the URL in the user's browser. Default true; the URL is printed either way. */
  openBrowser?: boolean;
  /** How the browser is opened. Default: the platform's opener (`xdg-open`, `open`, `rundll32`). */
  browserOpener?: BrowserOpener;
  /** Where messages for the user go. Default: standard error. */
  print?: (message: string) => void;
  /** How long to wait for the browser to come back. Default five minutes; then `ERR_TIMEOUT`. */
  timeoutMs?: number;
  /** Cancels the login (`ERR_ABORTED`). */
  signal?: AbortSignal;
}

/**
 * The authorization-code flow for programs on the user's machine (RFC 8252): a one-shot server
 * on the loopback interface receives the browser's redirect.
 *
 * @example
 * ```ts
 * const flow = await InstalledAppFlow.fromClientSecretsFile('client_secret.json', {
 *   scopes: ['https://www.googleapis.com/auth/drive.readonly'],
 * });
 * const credentials = await flow.runLocalServer();
 * ```
 */
export class InstalledAppFlow extends Flow {
  /**
   * Listens on the loopback interface, sends the user to consent (opening the browser, and
   * printing the URL), waits for the redirect, checks its state and exchanges the code. The
   * browser is shown a page saying whether the login worked. The server is closed on every path:
   * success, failure, timeout and abort.
   */
  async runLocalServer(options: RunLocalServerOptions = {}): Promise<UserCredentials> {
    const {
      host = '127.0.0.1',
      port = 0,
      openBrowser = true,
      browserOpener = openInBrowser,
      print = printToStderr,
      timeoutMs = DEFAULT_LOGIN_TIMEOUT_MS,
      signal,
      ...params
    } = options;
    const server = await LoopbackServer.listen(host, port);
    // Ends the wait on every way out, so no timer outlives the call.
    const done = new AbortController();
    try {
      const request = this.authorizationUrl({ ...params, redirectUri: server.redirectUri });
      const waitSignal = signal ? AbortSignal.any([signal, done.signal]) : done.signal;
      const received = server.receive(
        { timeoutMs, state: request.state, signal: waitSignal },
        (query) =>
          this.fetchToken(
            { authorizationResponse: query },
            {
              state: request.state,
              codeVerifier: request.codeVerifier,
              redirectUri: request.redirectUri,
              signal,
            },
          ),
      );
      received.catch(() => undefined);
      const opened = openBrowser && (await browserOpener(request.url));
      print(
        opened
          ? `Your browser has been opened to visit:\n\n    ${request.url}\n`
          : `Please visit this URL to authorize this application:\n\n    ${request.url}\n`,
      );
      return await received;
    } finally {
      done.abort();
      await server.close();
    }
  }
}

function printToStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}
