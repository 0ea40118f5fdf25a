import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthError } from '../../errors.js';
import type { AuthorizationRequestOptions } from '../authorization.js';
import type { LoginResult, OAuthProvider } from '../provider.js';
import {
  CookieLoginStateStore,
  redirectIsHttps,
  type LoginCookieOptions,
  type LoginStateStore,
} from './login-state.js';

/**
 * A request handler for `node:http` that also mounts as Express/Connect middleware. Errors are
 * handled inside (see `onError`), so `next` is only passed along to `onError`.
 */
export type LoginRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

/** Where the login state lives: an encrypted cookie (`secret` and cookie options) or your own store. */
export type LoginStateOptions =
  | (LoginCookieOptions & { stateStore?: undefined })
  | { stateStore: LoginStateStore; secret?: undefined };

/** Options for {@link loginHandler}. */
export type LoginHandlerOptions = LoginStateOptions & {
  /** The callback URL registered with the provider, where {@link callbackHandler} listens. */
  redirectUri: string;
  /** Scopes to request. Default: the provider's `scope` option. */
  scope?: string | readonly string[];
  /** Extra authorization parameters, e.g. `{ prompt: 'consent' }`. */
  params?: Record<string, string>;
  /** Called instead of the default error page when the redirect cannot be built. */
  onError?: LoginErrorHandler;
};

/** Options for {@link callbackHandler}. */
export type CallbackHandlerOptions = LoginStateOptions & {
  /** Called with the verified login. Default: redirect to `/`. */
  onSuccess?: (req: IncomingMessage, res: ServerResponse, result: LoginResult) => unknown;
  /**
   * Called with a typed error (a forged, replayed or expired login cookie is a
   * `LoginStateError`). Default: a plain-text page, 400 for a bad login, 500 for this server's
   * own options (e.g. a login cookie over 4096 bytes), 502 when the provider failed, that shows
   * the error code and never a token or secret.
   */
  onError?: LoginErrorHandler;
};

export type LoginErrorHandler = (
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => unknown;

/**
 * Starts a login: saves state, nonce and PKCE verifier (in an encrypted cookie by default) and
 * redirects the browser to the provider. `redirectUri` must be https, or http on loopback for
 * development.
 *
 * @example
 * ```ts
 * const login = loginHandler(provider, { redirectUri: 'https://app.example.com/callback', scope: 'openid email', secret });
 * app.get('/login', login); // Express, or call login(req, res) from a node:http server
 * ```
 */
export function loginHandler(
  provider: OAuthProvider,
  options: LoginHandlerOptions,
): LoginRequestHandler {
  redirectIsHttps(options.redirectUri);
  const store = stateStoreFor(provider, options);
  const onError = options.onError ?? loginErrorPage;
  const request: AuthorizationRequestOptions = {
    ...options.params,
    redirectUri: options.redirectUri,
    scope: options.scope,
  };
  return async (req, res, next) => {
    try {
      const redirect = await provider.authorizationRedirect(request);
      await store.save(req, res, redirect);
      res.statusCode = 302;
      res.setHeader('location', redirect.url);
      res.setHeader('cache-control', 'no-store');
      res.end();
    } catch (error) {
      await onError(error, req, res, next);
    }
  };
}

/**
 * Finishes a login on the redirect back from the provider: takes the saved state (clearing the
 * cookie; a second use is refused), checks the response, exchanges the code and verifies the
 * ID token, then calls `onSuccess`.
 *
 * @example
 * ```ts
 * app.get('/callback', callbackHandler(provider, {
 *   secret,
 *   onSuccess: (req, res, { claims }) => { startSession(res, claims!.sub); res.writeHead(302, { location: '/' }).end(); },
 * }));
 * ```
 */
export function callbackHandler(
  provider: OAuthProvider,
  options: CallbackHandlerOptions,
): LoginRequestHandler {
  const store = stateStoreFor(provider, options);
  const onSuccess = options.onSuccess ?? redirectHome;
  const onError = options.onError ?? loginErrorPage;
  return async (req, res, next) => {
    try {
      const saved = await store.take(req, res);
      const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const result = await provider.handleCallback(callbackUrl(path, saved.redirectUri), saved);
      await onSuccess(req, res, result);
    } catch (error) {
      await onError(error, req, res, next);
    }
  };
}

/** The redirect's URL; a request target that does not parse is the client's fault, a 400. */
function callbackUrl(path: string, redirectUri: string): URL {
  try {
    return new URL(path, redirectUri);
  } catch {
    throw new AuthError(
      'ERR_AUTHORIZATION',
      'the redirect back from the provider has a request URL that does not parse; start the login again',
    );
  }
}

function stateStoreFor(provider: OAuthProvider, options: LoginStateOptions): LoginStateStore {
  if (options.stateStore) return options.stateStore;
  return new CookieLoginStateStore(
    {
      ...options,
      cookieName:
        options.cookieName ??
        `warrant_login_${provider.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 50)}`,
    },
    JSON.stringify(provider.toJSON()),
  );
}

function redirectHome(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 302;
  res.setHeader('location', '/');
  res.end();
}

/** Client-side problems with a login: the browser gets a 400. */
const BAD_LOGIN = new Set([
  'ERR_STATE_MISMATCH',
  'ERR_ACCESS_DENIED',
  'ERR_AUTHORIZATION',
  'ERR_INVALID_GRANT',
  'ERR_ID_TOKEN_INVALID',
  'ERR_ID_TOKEN_EXPIRED',
  'ERR_ID_TOKEN_SIGNATURE',
  'ERR_ID_TOKEN_KEY_NOT_FOUND',
]);

/** Errors of this server's own making: its options, or a Node-only feature used elsewhere. */
const SERVER_FAULT = new Set(['ERR_INVALID_OPTIONS', 'ERR_NODE_ONLY']);

/**
 * The default `onError`: a plain-text page naming only the error code (400 for a bad or
 * refused login, 500 for this server's own options, 502 when the provider failed, 500 otherwise). Messages stay out of the page;
 * log them from your own `onError`, then call this.
 */
export function loginErrorPage(error: unknown, _req: IncomingMessage, res: ServerResponse): void {
  const code = error instanceof AuthError ? error.code : undefined;
  const status =
    code === undefined || SERVER_FAULT.has(code) ? 500 : BAD_LOGIN.has(code) ? 400 : 502;
  const text =
    status === 400
      ? `Login failed (${code}). Please start the login again.\n`
      : status === 502
        ? `Login failed: the identity provider could not be reached or answered badly (${code}).\n`
        : 'Login failed: internal error.\n';
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(text);
}
