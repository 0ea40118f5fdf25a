import type { JsonWebKey, KeyObject } from 'node:crypto';
import { InvalidOptionsError } from '../errors.js';
import { encodeBase64 } from '../platform/base64url.js';
import { createPrivateKey } from '../platform/private-key.js';
import { randomId } from '../platform/random.js';
import { loadJose } from './jose.js';

/** How a client proves its identity to the token endpoint (RFC 6749 §2.3, RFC 7523, OIDC §9). */
export type ClientAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** A private key for `private_key_jwt`: PEM text, a KeyObject, or a private JWK. */
export type ClientPrivateKey = string | KeyObject | JsonWebKey;

/** Everything client authentication needs, checked once when a provider is created. */
export interface ClientAuthConfig {
  clientId: string;
  method: ClientAuthMethod;
  clientSecret?: string;
  privateKey?: KeyObject;
  /** `kid` placed in client assertion headers. */
  privateKeyId?: string;
  /** JWS algorithm of client assertions; derived from the key when not given. */
  assertionAlg?: string;
  /** Source of the current time in epoch milliseconds. */
  clock: () => number;
}

/** Parameters and headers that authenticate one request. */
export interface ClientAuthentication {
  params: Record<string, string>;
  headers: Record<string, string>;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Client assertions live one minute: long enough for clock skew, short enough to limit replay. */
const ASSERTION_LIFETIME_SEC = 60;

/**
 * Authenticates a request to an endpoint of the authorization server. `audience` is the `aud`
 * of client assertions: the token endpoint URL, or the issuer, as the provider prefers.
 */
export async function authenticateClient(
  config: ClientAuthConfig,
  audience: string,
): Promise<ClientAuthentication> {
  switch (config.method) {
    case 'client_secret_basic':
      return {
        params: {},
        headers: {
          authorization: `Basic ${encodeBase64(
            `${formEncode(config.clientId)}:${formEncode(config.clientSecret as string)}`,
          )}`,
        },
      };
    case 'client_secret_post':
      return {
        params: { client_id: config.clientId, client_secret: config.clientSecret as string },
        headers: {},
      };
    case 'client_secret_jwt':
    case 'private_key_jwt':
      return {
        params: {
          client_id: config.clientId,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await clientAssertion(config, audience),
        },
        headers: {},
      };
    case 'none':
      return { params: { client_id: config.clientId }, headers: {} };
  }
}

/**
 * RFC 6749 §2.3.1: the client id and secret are form-urlencoded before they are joined and
 * base64-encoded, so a secret holding `:` or `%` survives the trip.
 */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** A signed client assertion (RFC 7523 §3): iss = sub = client_id, one `aud`, a fresh `jti`. */
async function clientAssertion(config: ClientAuthConfig, audience: string): Promise<string> {
  const now = Math.floor(config.clock() / 1000);
  const symmetric = config.method === 'client_secret_jwt';
  const alg = config.assertionAlg ?? (symmetric ? 'HS256' : algorithmForKey(config.privateKey!));
  const header: { alg: string; typ: string; kid?: string } = { alg, typ: 'JWT' };
  if (!symmetric && config.privateKeyId) header.kid = config.privateKeyId;
  const { SignJWT } = await loadJose();
  return new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(config.clientId)
    .setSubject(config.clientId)
    .setAudience(audience)
    .setJti(randomId())
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SEC)
    .sign(symmetric ? new TextEncoder().encode(config.clientSecret) : config.privateKey!);
}

/** The JWS algorithm a private key signs with by default. */
export function algorithmForKey(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
  }
  throw new InvalidOptionsError(
    `privateKey of type ${key.asymmetricKeyType ?? 'unknown'} cannot sign client assertions: use an RSA, EC (P-256, P-384, P-521) or Ed25519 key`,
  );
}

/** Parses a `private_key_jwt` key once; the error never shows the key. */
export function parseClientPrivateKey(key: ClientPrivateKey): KeyObject {
  let parsed: KeyObject;
  try {
    parsed =
      typeof key === 'string'
        ? createPrivateKey(key)
        : isKeyObject(key)
          ? key
          : createPrivateKey({ key, format: 'jwk' });
  } catch {
    throw new InvalidOptionsError(
      'privateKey is not a private key: pass PEM text, a KeyObject or a private JWK',
    );
  }
  if (parsed.type !== 'private') {
    throw new InvalidOptionsError('privateKey must be a private key, not a public or secret key');
  }
  algorithmForKey(parsed);
  return parsed;
}

function isKeyObject(key: KeyObject | JsonWebKey): key is KeyObject {
  return typeof (key as KeyObject).export === 'function' && 'type' in key;
}
