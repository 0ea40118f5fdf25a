/** The claim checks of an ID token whose signature has been verified. */
import { AuthError } from '../errors.js';

/** The claims of a verified ID token (Google's, an IAP JWT, or any OpenID provider's). */
export interface IdTokenPayload {
  /** Issuer, e.g. `https://accounts.google.com`. */
  iss: string;
  /** Audience: the client id or URL the token was minted for. */
  aud: string | string[];
  /** The subject's stable id: a Google account or service-account unique id. */
  sub: string;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Expires at, epoch seconds. */
  exp: number;
  nbf?: number;
  /** The OAuth client the token was issued to. */
  azp?: string;
  email?: string;
  email_verified?: boolean;
  /** Google Workspace domain of the user. */
  hd?: string;
  nonce?: string;
  name?: string;
  picture?: string;
  [claim: string]: unknown;
}

/** The claims of a verified OpenID Connect ID token. */
export type IdTokenClaims = IdTokenPayload;

/** What {@link checkClaims} accepts. */
export interface ClaimRules {
  audience: string | readonly string[];
  issuers: readonly string[];
  clockToleranceSec: number;
  maxLifetimeSec: number;
  /** The current time, epoch seconds. */
  nowSec: number;
  /** The OAuth client verifying: `azp`, when present, must be it, and is required with several audiences. */
  clientId?: string;
  /** The nonce sent with the authorization request: `nonce` must equal it. */
  nonce?: string;
}

/**
 * Checks the registered claims of a verified token: `iss`, `aud`, `sub`, `iat`, `exp` present
 * and well typed, issuer and audience expected, `exp`/`iat`/`nbf` within the clock tolerance,
 * a lifetime no longer than allowed, and, for an OpenID client, `azp` and `nonce` (OpenID
 * Connect Core §3.1.3.7). Throws `ERR_ID_TOKEN_EXPIRED` for an expired token,
 * `ERR_ID_TOKEN_INVALID` for everything else.
 */
export function checkClaims(payload: Record<string, unknown>, rules: ClaimRules): IdTokenPayload {
  const { iss, aud, sub, iat, exp, nbf } = payload;
  if (typeof iss !== 'string') throw invalid(claimProblem('iss', iss, 'a string'));
  if (!isAudience(aud)) throw invalid(claimProblem('aud', aud, 'a string or a list of strings'));
  if (typeof sub !== 'string' || sub === '') throw invalid(claimProblem('sub', sub, 'a string'));
  if (!isNumericDate(iat)) throw invalid(claimProblem('iat', iat, 'a time in epoch seconds'));
  if (!isNumericDate(exp)) throw invalid(claimProblem('exp', exp, 'a time in epoch seconds'));
  if (nbf !== undefined && !isNumericDate(nbf)) {
    throw invalid(claimProblem('nbf', nbf, 'a time in epoch seconds'));
  }

  if (!rules.issuers.includes(iss)) {
    throw invalid(
      `ID token issuer ${quote(iss)} is not one of ${rules.issuers.map(quote).join(', ')}`,
    );
  }
  if (!audienceMatches(aud, rules.audience)) {
    const expected = typeof rules.audience === 'string' ? [rules.audience] : rules.audience;
    throw invalid(
      `ID token audience ${quote(aud)} is not ${expected.map(quote).join(' or ')} (it was minted for another service or client)`,
    );
  }

  checkClientClaims(payload, aud, rules);

  const { nowSec, clockToleranceSec: tolerance } = rules;
  if (exp <= iat) throw invalid('ID token expires (exp) before it was issued (iat)');
  if (exp - iat > rules.maxLifetimeSec) {
    throw invalid(
      `ID token lifetime of ${exp - iat} s (exp - iat) is longer than the allowed ${rules.maxLifetimeSec} s`,
    );
  }
  if (nowSec > exp + tolerance) {
    throw new AuthError(
      'ERR_ID_TOKEN_EXPIRED',
      `ID token expired at ${isoTime(exp)}, ${Math.round(nowSec - exp)} s ago (clock tolerance ${tolerance} s); fetch a new one`,
    );
  }
  if (iat > nowSec + tolerance) {
    throw invalid(
      `ID token was issued (iat) ${Math.round(iat - nowSec)} s in the future (clock tolerance ${tolerance} s); check the clocks`,
    );
  }
  if (typeof nbf === 'number' && nbf > nowSec + tolerance) {
    throw invalid(
      `ID token is not valid before ${isoTime(nbf)} (nbf), ${Math.round(nbf - nowSec)} s from now (clock tolerance ${tolerance} s)`,
    );
  }
  return payload as IdTokenPayload;
}

function checkClientClaims(
  payload: Record<string, unknown>,
  aud: string | string[],
  rules: ClaimRules,
): void {
  const { azp, nonce } = payload;
  if (rules.clientId !== undefined) {
    if (azp === undefined && Array.isArray(aud) && aud.length > 1) {
      throw invalid('ID token has several audiences but no azp claim naming this client');
    }
    if (azp !== undefined && azp !== rules.clientId) {
      throw invalid(`ID token azp ${quote(azp)} is not this client (${quote(rules.clientId)})`);
    }
  }
  if (rules.nonce !== undefined && nonce !== rules.nonce) {
    throw invalid(
      'ID token nonce does not match the one sent with the authorization request (a replayed or injected token)',
    );
  }
}

function isAudience(aud: unknown): aud is string | string[] {
  if (typeof aud === 'string') return aud !== '';
  return Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string');
}

function audienceMatches(aud: string | string[], expected: string | readonly string[]): boolean {
  if (typeof aud === 'string') {
    return typeof expected === 'string' ? aud === expected : expected.includes(aud);
  }
  return aud.some((a) => (typeof expected === 'string' ? a === expected : expected.includes(a)));
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function claimProblem(name: string, value: unknown, expected: string): string {
  return value === undefined
    ? `ID token has no ${name} claim`
    : `ID token claim ${name} must be ${expected}, not ${describeType(value)}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value === '' ? 'an empty string' : `a ${typeof value}`;
}

/** A claim value for an error message: quoted and cut short, since the token's author chose it. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

function isoTime(epochSec: number): string {
  const date = new Date(epochSec * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSec) : date.toISOString();
}

function invalid(message: string): AuthError {
  return new AuthError('ERR_ID_TOKEN_INVALID', message);
}
