// Speaks the emulator's protocol with plain fetch, jose and node:crypto only, so the emulator
// tests check it against the wire format rather than against our own client code.
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { Emulator, ServiceAccountKeyJson } from '../../src/testing/index.js';

export const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const GOOGLE_ISSUER = 'https://accounts.google.com';

export interface TokenBody {
  access_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

export interface EchoBody {
  ok?: boolean;
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  principal?: string;
  scopes?: string[];
  quotaProject?: string | null;
  userAgent?: string | null;
  body?: string | null;
  kind?: string;
  files?: unknown[];
  error?: { code: number; message: string; status: string };
}

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply<TokenBody>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as TokenBody };
}

export async function callEcho(
  url: string,
  token: string | undefined,
  init: RequestInit = {},
): Promise<Reply<EchoBody>> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(url, { ...init, headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as EchoBody };
}

export const nowSec = (): number => Math.floor(Date.now() / 1000);

/** A JWT signed with the service account's key (or `signWith`), Google's assertion by default. */
export function signJwt(
  key: ServiceAccountKeyJson,
  claims: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
  signWith = key.private_key,
): Promise<string> {
  const privateKey = createPrivateKey(signWith);
  const alg = privateKey.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  return new SignJWT({ iss: key.client_email, iat: nowSec(), exp: nowSec() + 3600, ...claims })
    .setProtectedHeader({ alg, kid: key.private_key_id, typ: 'JWT', ...header })
    .sign(privateKey);
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function elapsedSince(start: number): number {
  return performance.now() - start;
}

/** Undoes what a test may have set on a shared emulator: faults, latency, token lifetime. */
export function resetEmulator(emulator: Emulator): void {
  emulator.clearFaults();
  emulator.setLatency(0);
  emulator.setTokenLifetime(3600);
}

/**
 * Token-endpoint calls against the emulator `current()` returns; a getter because the suite's
 * `before` hook starts the emulator after these are built.
 */
export function tokenEndpointCalls(current: () => Emulator) {
  const assertionFor = (key: ServiceAccountKeyJson, claims: JWTPayload = {}) =>
    signJwt(key, { aud: current().tokenUrl, scope: SCOPE, ...claims });

  const exchange = async (assertion: string) =>
    postForm(current().tokenUrl, { grant_type: JWT_BEARER, assertion });

  const refreshUser = (form: Record<string, string> = {}) =>
    postForm(current().tokenUrl, {
      grant_type: 'refresh_token',
      client_id: current().authorizedUser.client_id,
      client_secret: current().authorizedUser.client_secret,
      refresh_token: current().authorizedUser.refresh_token,
      ...form,
    });

  return { assertionFor, exchange, refreshUser };
}
