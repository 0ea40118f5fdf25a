import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError, AuthError, InvalidOptionsError, TimeoutError } from '../errors.js';
import { alreadyHandledPage, failurePage, notFoundPage, successPage } from './callback-page.js';

/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A redirect with another login's state: answered, never allowed to end this login. */
class StateMismatchError extends AuthError {
  constructor() {
    super(
      'ERR_STATE_MISMATCH',
      'this redirect does not belong to the login in progress (state mismatch); the login is still waiting',
    );
  }
}

/** A loopback interface name a redirect URI may use (RFC 8252 §7.3). */
export type LoopbackHost = '127.0.0.1' | 'localhost';

/** What {@link LoopbackServer.receive} waits with. */
export interface ReceiveOptions {
  timeoutMs: number;
  /** The state of this login: a redirect carrying another (or none) is answered 400 and ignored. */
  state: string;
  signal?: AbortSignal;
}

/**
 * A one-shot HTTP server on the loopback interface that receives an authorization redirect.
 * It listens on 127.0.0.1 only, whatever name the redirect URI uses, so nothing off the machine
 * can reach it.
 */
export class LoopbackServer {
  readonly redirectUri: string;
  readonly #server: Server;

  private constructor(server: Server, host: LoopbackHost) {
    this.#server = server;
    this.redirectUri = `http://${host}:${(server.address() as AddressInfo).port}/`;
  }

  /**
   * Listens on `port` (0: any free port). A busy port fails at once with `ERR_PORT_IN_USE`
   * rather than waiting for it.
   */
  static async listen(host: LoopbackHost, port: number): Promise<LoopbackServer> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidOptionsError(`port must be an integer from 0 to 65535, got ${port}`);
    }
    // Loaded here, not at the top: only a login ever listens for a redirect.
    const { createServer } = await import('node:http');
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new AuthError(
                'ERR_PORT_IN_USE',
                `port ${port} on 127.0.0.1 is in use; choose another port, or 0 for any free port`,
              )
            : new InvalidOptionsError(
                `cannot listen on 127.0.0.1:${port} (${error.code ?? 'unknown error'}); choose another port`,
              ),
        );
      });
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
        resolve(new LoopbackServer(server, host)),
      );
    });
  }

  /**
   * Waits for the browser to land on the redirect URI with this login's `state`, hands the query
   * to `complete`, and answers the browser with a success or failure page according to its
   * outcome. Other requests (a favicon, a stray path, a Host other than the redirect URI's) get
   * a 404, a redirect with another state a 400, and one arriving while the first is handled a
   * 409; all are otherwise ignored, so a stray or hostile request cannot end the login.
   * Rejects with `ERR_TIMEOUT` or `ERR_ABORTED` when no redirect comes in time.
   */
  receive<T>(
    options: ReceiveOptions,
    complete: (params: URLSearchParams) => Promise<T>,
  ): Promise<T> {
    const { pathname: path, host } = new URL(this.redirectUri);
    if (!(
      Number.isInteger(options.timeoutMs) &&
      options.timeoutMs > 0 &&
      options.timeoutMs <= MAX_TIMEOUT_MS
    )) {
      throw new InvalidOptionsError(
        `timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (about 24 days)`,
      );
    }
    return new Promise<T>((resolve, reject) => {
      let handling = false;
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#server.off('request', onRequest);
        action();
      };
      const onAbort = () => settle(() => reject(new AbortedError('the login was aborted')));
      const timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new TimeoutError(
                `no browser came back to ${this.redirectUri} within ${options.timeoutMs} ms (open the URL shown, or allow more time)`,
                options.timeoutMs,
              ),
            ),
          ),
        options.timeoutMs,
      );
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const params = url.searchParams;
        // A page whose name was rebound to 127.0.0.1 reaches the port under its own Host: it
        // is a stray request, whatever it carries.
        const isRedirect =
          req.method === 'GET' &&
          req.headers.host?.toLowerCase() === host &&
          url.pathname === path &&
          (params.has('code') || params.has('error') || params.has('state'));
        if (!isRedirect) return void respond(res, 404, notFoundPage());
        if (params.get('state') !== options.state) {
          return void respond(res, 400, failurePage(new StateMismatchError()));
        }
        if (handling) return void respond(res, 409, alreadyHandledPage());
        handling = true;
        clearTimeout(timer);
        complete(params).then(
          async (value) => {
            await respond(res, 200, successPage());
            settle(() => resolve(value));
          },
          async (error: unknown) => {
            await respond(res, 400, failurePage(error));
            settle(() => reject(error));
          },
        );
      };
      this.#server.on('request', onRequest);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stops listening and drops every connection, kept-alive ones included. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

function respond(res: ServerResponse, status: number, html: string): Promise<void> {
  return new Promise((resolve) => {
    res.once('close', resolve);
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'close',
    });
    res.end(html, resolve);
  });
}
