import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AuthError } from '../../errors.js';
import type { SavedAuthorization } from '../authorization.js';
import { checkSecret, readCookie, serializeCookie, signValue, verifyValue } from './cookie.js';
import { ReplayGuard } from './replay-guard.js';

/** Why a callback's saved login state was refused. */
export type LoginStateProblem = 'missing' | 'forged' | 'expired' | 'replayed';

/**
 * The login state kept between the redirect and the callback could not be used: no cookie, a
 * cookie not signed with the app's secret, an expired one, or one already used.
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
  forged: 'the login cookie is not one this app signed; start again',
  expired: 'the login took too long; start again',
  replayed: 'this login response was already used; start again',
};

/**
 * Where the handlers keep state, nonce and PKCE verifier between the redirect and the callback.
 * `take` returns them once and forgets them; the default keeps them in a signed cookie. An app
 * with server-side sessions can implement this over its session instead.
 */
export interface LoginStateStore {
  save(req: IncomingMessage, res: ServerResponse, state: SavedAuthorization): void | Promise<void>;
  /** The saved state, cleared; throws {@link LoginStateError} when there is none to use. */
  take(req: IncomingMessage, res: ServerResponse): SavedAuthorization | Promise<SavedAuthorization>;
}

/** Options for {@link CookieLoginStateStore}. */
export interface LoginCookieOptions {
  /** The HMAC-SHA256 signing secret, 32 bytes or more. Keep it out of source control. */
  secret: string | Buffer;
  /** Cookie name. Default `warrant_login`. */
  cookieName?: string;
  /** Send the cookie over HTTPS only. Default true; set false for plain-HTTP development. */
  secure?: boolean;
  /** How long a login may take, in seconds. Default 600. */
  maxAgeSec?: number;
  /** Cookie path. Default `/`. */
  path?: string;
  domain?: string;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
}

interface CookiePayload {
  s: string;
  n?: string;
  v: string;
  r: string;
  /** Identifies this login attempt, for replay detection. */
  j: string;
  /** Epoch seconds. */
  e: number;
}

/**
 * Keeps the login state in a signed, HttpOnly, SameSite=Lax cookie with an expiry. Each cookie
 * can complete one login: `take` clears it and remembers its id until it expires.
 */
export class CookieLoginStateStore implements LoginStateStore {
  readonly #secret: Buffer;
  readonly #name: string;
  readonly #secure: boolean;
  readonly #maxAgeSec: number;
  readonly #path: string;
  readonly #domain?: string;
  readonly #clock: () => number;
  readonly #used = new ReplayGuard();

  constructor(options: LoginCookieOptions) {
    this.#secret = checkSecret(options.secret);
    this.#name = options.cookieName ?? 'warrant_login';
    this.#secure = options.secure ?? true;
    this.#maxAgeSec = options.maxAgeSec ?? 600;
    this.#path = options.path ?? '/';
    this.#domain = options.domain;
    this.#clock = options.clock ?? Date.now;
  }

  save(_req: IncomingMessage, res: ServerResponse, state: SavedAuthorization): void {
    const payload: CookiePayload = {
      s: state.state,
      n: state.nonce,
      v: state.codeVerifier,
      r: state.redirectUri,
      j: randomUUID(),
      e: Math.floor(this.#clock() / 1000) + this.#maxAgeSec,
    };
    this.#setCookie(res, signValue({ ...payload }, this.#secret), this.#maxAgeSec);
  }

  take(req: IncomingMessage, res: ServerResponse): SavedAuthorization {
    this.#setCookie(res, '', 0);
    const text = readCookie(req.headers.cookie, this.#name);
    if (!text) throw new LoginStateError('missing');
    const payload = verifyValue(text, this.#secret) as Partial<CookiePayload> | undefined;
    if (!payload || !isPayload(payload)) throw new LoginStateError('forged');
    const now = this.#clock();
    if (payload.e * 1000 <= now) throw new LoginStateError('expired');
    if (!this.#used.use(payload.j, payload.e * 1000, now)) throw new LoginStateError('replayed');
    return { state: payload.s, nonce: payload.n, codeVerifier: payload.v, redirectUri: payload.r };
  }

  #setCookie(res: ServerResponse, value: string, maxAgeSec: number): void {
    const cookie = serializeCookie(this.#name, value, {
      maxAgeSec,
      path: this.#path,
      secure: this.#secure,
      domain: this.#domain,
    });
    const existing = res.getHeader('set-cookie');
    const others = (Array.isArray(existing) ? existing : existing ? [String(existing)] : []).filter(
      (header) => !header.startsWith(`${this.#name}=`),
    );
    res.setHeader('set-cookie', [...others, cookie]);
  }
}

function isPayload(value: Partial<CookiePayload>): value is CookiePayload {
  return (
    typeof value.s === 'string' &&
    typeof value.v === 'string' &&
    typeof value.r === 'string' &&
    typeof value.j === 'string' &&
    typeof value.e === 'number' &&
    (value.n === undefined || typeof value.n === 'string')
  );
}
