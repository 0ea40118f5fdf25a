import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeCrypto } from '../../platform/node-builtins.js';
import { AuthError, InvalidOptionsError } from '../../errors.js';
import type { SavedAuthorization } from '../authorization.js';
import { isLoopbackHost } from '../../http/endpoint-url.js';
import { cookieKey, openValue, readCookie, sealValue, serializeCookie } from './cookie.js';
import { MemoryReplayGuard, type ReplayGuard } from './replay-guard.js';

/** Why a callback's saved login state was refused. */
export type LoginStateProblem = 'missing' | 'forged' | 'expired' | 'replayed' | 'other-provider';

/**
 * The login state kept between the redirect and the callback could not be used: no cookie, a
 * cookie not sealed with the app's secret, an expired one, one already used, or one issued for
 * another provider.
 */
export class LoginStateError extends AuthError {
  readonly problem: LoginStateProblem;

  constructor(problem: LoginStateProblem) {
    super('ERR_STATE_MISMATCH', `the login could not be completed: ${MESSAGES[problem]}`);
    this.problem = problem;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problem: this.problem };
  }
}

const MESSAGES: Record<LoginStateProblem, string> = {
  missing:
    'no login is in progress in this browser (cookies blocked, or a stale link); start again',
  forged: 'the login cookie is not one this app sealed; start again',
  expired: 'the login took too long; start again',
  replayed: 'this login response was already used; start again',
  'other-provider':
    'the login cookie was issued for another provider than this callback serves; start again from this provider',
};

/**
 * Where the handlers keep state, nonce and PKCE verifier between the redirect and the callback.
 * `take` returns them once and forgets them; the default keeps them in an encrypted cookie. An
 * app with server-side sessions can implement this over its session instead.
 */
export interface LoginStateStore {
  save(req: IncomingMessage, res: ServerResponse, state: SavedAuthorization): void | Promise<void>;
  /** The saved state, cleared; throws {@link LoginStateError} when there is none to use. */
  take(req: IncomingMessage, res: ServerResponse): SavedAuthorization | Promise<SavedAuthorization>;
}

/** Options for {@link CookieLoginStateStore}. */
export interface LoginCookieOptions {
  /** Key material for the cookie's AES-256-GCM key, 32 bytes or more. Keep it out of source control. */
  secret: string | Buffer;
  /**
   * Cookie name; each login adds `.<id of its state>`, and `__Host-` in front when the redirect
   * URI is https. Default `warrant_login_<provider name>`.
   */
  cookieName?: string;
  /** How long a login may take, in seconds. Default 600. */
  maxAgeSec?: number;
  /**
   * Where completed logins are remembered so a replayed callback is refused. Default: in this
   * process's memory; behind a load balancer, one guard shared by every instance.
   */
  replayGuard?: ReplayGuard;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
}

interface CookiePayload {
  s: string;
  n?: string;
  v: string;
  r: string;
  /** The provider the login was started for. */
  p: string;
  /** Identifies this login attempt, for replay detection. */
  j: string;
  /** Epoch seconds. */
  e: number;
}

const HOST_PREFIX = '__Host-';

/**
 * Keeps each login's state in its own encrypted (AES-256-GCM), HttpOnly, SameSite=Lax cookie
 * named after its `state`, so logins in two tabs do not overwrite each other. The cookie is
 * `__Host-` prefixed (Secure, Path=/, no Domain) when the redirect URI is https, and plain only
 * for an http loopback redirect URI. Each cookie completes one login, for the provider it was
 * started with.
 *
 * @example
 * ```ts
 * const store = new CookieLoginStateStore({ secret: process.env.LOGIN_COOKIE_SECRET! }, 'my-idp');
 * const callback = callbackHandler(provider, { stateStore: store });
 * ```
 */
export class CookieLoginStateStore implements LoginStateStore {
  readonly #key: Buffer;
  readonly #name: string;
  readonly #provider: string;
  readonly #maxAgeSec: number;
  readonly #clock: () => number;
  readonly #used: ReplayGuard;

  /** `provider` names what the cookies are bound to: a cookie saved for another is refused. */
  constructor(options: LoginCookieOptions, provider = '') {
    this.#key = cookieKey(options.secret);
    this.#name = options.cookieName ?? 'warrant_login';
    if (!/^[\w-]{1,64}$/.test(this.#name)) {
      throw new InvalidOptionsError(
        'cookieName must be 1 to 64 letters, digits, "_" or "-" (the store adds the prefix and the login id)',
      );
    }
    const maxAgeSec = options.maxAgeSec ?? 600;
    if (!Number.isSafeInteger(maxAgeSec) || maxAgeSec <= 0 || maxAgeSec > 86_400) {
      throw new InvalidOptionsError('maxAgeSec must be a whole number of seconds from 1 to 86400');
    }
    this.#maxAgeSec = maxAgeSec;
    this.#provider = provider;
    this.#clock = options.clock ?? Date.now;
    this.#used = options.replayGuard ?? new MemoryReplayGuard(undefined, this.#clock);
  }

  save(_req: IncomingMessage, res: ServerResponse, state: SavedAuthorization): void {
    const secure = redirectIsHttps(state.redirectUri);
    const name = this.#cookieName(state.state, secure);
    const payload: CookiePayload = {
      s: state.state,
      n: state.nonce,
      v: state.codeVerifier,
      r: state.redirectUri,
      p: this.#provider,
      j: nodeCrypto().randomUUID(),
      e: Math.floor(this.#clock() / 1000) + this.#maxAgeSec,
    };
    const value = sealValue({ ...payload }, this.#key, name);
    setCookie(res, name, serializeCookie(name, value, this.#maxAgeSec, secure));
  }

  async take(req: IncomingMessage, res: ServerResponse): Promise<SavedAuthorization> {
    const state = callbackState(req);
    if (state === undefined) throw new LoginStateError('missing');
    const found = this.#find(req, state);
    if (!found) throw new LoginStateError('missing');
    setCookie(res, found.name, serializeCookie(found.name, '', 0, found.secure));
    const payload = openValue(found.value, this.#key, found.name) as
      Partial<CookiePayload> | undefined;
    // A plain (unprefixed) cookie is only ever written for an http loopback redirect URI.
    if (!payload || !isPayload(payload) || (!found.secure && redirectIsHttps(payload.r))) {
      throw new LoginStateError('forged');
    }
    if (payload.p !== this.#provider) throw new LoginStateError('other-provider');
    const now = this.#clock();
    if (payload.e * 1000 <= now) throw new LoginStateError('expired');
    if (!(await this.#used.use(payload.j, payload.e * 1000))) {
      throw new LoginStateError('replayed');
    }
    return { state: payload.s, nonce: payload.n, codeVerifier: payload.v, redirectUri: payload.r };
  }

  #cookieName(state: string, secure: boolean): string {
    const id = nodeCrypto().createHash('sha256').update(state).digest('base64url').slice(0, 16);
    return `${secure ? HOST_PREFIX : ''}${this.#name}.${id}`;
  }

  #find(
    req: IncomingMessage,
    state: string,
  ): { name: string; value: string; secure: boolean } | undefined {
    for (const secure of [true, false]) {
      const name = this.#cookieName(state, secure);
      const value = readCookie(req.headers.cookie, name);
      if (value) return { name, value, secure };
    }
    return undefined;
  }
}

/** https, or http on loopback (false); anything else cannot carry a login cookie safely. */
export function redirectIsHttps(redirectUri: string): boolean {
  const url = parseUrl(redirectUri);
  if (url?.protocol === 'https:') return true;
  if (url?.protocol === 'http:' && isLoopbackHost(url.hostname)) return false;
  throw new InvalidOptionsError(
    'redirectUri must be https (or http on 127.0.0.1, localhost or [::1] for development): the login cookie is __Host- prefixed and Secure',
  );
}

function callbackState(req: IncomingMessage): string | undefined {
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const state = parseUrl(path, 'http://callback.invalid')?.searchParams.get('state');
  return state || undefined;
}

function parseUrl(text: string, base?: string): URL | undefined {
  try {
    return new URL(text, base);
  } catch {
    return undefined;
  }
}

function setCookie(res: ServerResponse, name: string, cookie: string): void {
  const existing = res.getHeader('set-cookie');
  const others = (Array.isArray(existing) ? existing : existing ? [String(existing)] : []).filter(
    (header) => !header.startsWith(`${name}=`),
  );
  res.setHeader('set-cookie', [...others, cookie]);
}

function isPayload(value: Partial<CookiePayload>): value is CookiePayload {
  return (
    typeof value.s === 'string' &&
    typeof value.v === 'string' &&
    typeof value.r === 'string' &&
    typeof value.p === 'string' &&
    typeof value.j === 'string' &&
    typeof value.e === 'number' &&
    (value.n === undefined || typeof value.n === 'string')
  );
}
