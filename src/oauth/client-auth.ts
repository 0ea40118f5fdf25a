import type { JsonWebKey, KeyObject } from '../platform/node-types.js';
import { InvalidOptionsError } from '../errors.js';
import { encodeBase64 } from '../platform/base64url.js';
import { createPrivateKey } from '../platform/private-key.js';
import { randomId } from '../platform/random.js';
import { jwsSign } from './jws-sign.js';
import { signJwt } from './jwt.js';

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

/** Parameters and headers that authenticate one request, and the secret values they carry. */
export interface ClientAuthentication {
  params: Record<string, string>;
  headers: Record<string, string>;
  /** What must never reach an error message, even when a server echoes it. */
  secrets: string[];
}

/** How a client is configured to authenticate, as options name it. */
export interface ClientAuthOptions {
  clientId: string;
  clientSecret?: string;
  clientAuthMethod?: ClientAuthMethod;
  privateKey?: ClientPrivateKey;
  privateKeyId?: string;
  clientAssertionAlg?: string;
  clock?: () => number;
}

const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];
const SECRET_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
];

/**
 * Checks client-authentication options once, when they are given. Without `clientAuthMethod`,
 * a key means `private_key_jwt`, a secret `secretMethod` (RFC 6749 prefers Basic; Google's
 * flows send the secret in the form), and neither `none`.
 */
export function clientAuthConfig(
  options: ClientAuthOptions,
  where: string,
  secretMethod: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic',
): ClientAuthConfig {
  const method =
    options.clientAuthMethod ??
    (options.privateKey ? 'private_key_jwt' : options.clientSecret ? secretMethod : 'none');
  if (!CLIENT_AUTH_METHODS.includes(method)) {
    throw new InvalidOptionsError(
      `${where}: clientAuthMethod ${JSON.stringify(String(method)).slice(0, 40)} is unknown (use one of ${CLIENT_AUTH_METHODS.join(', ')})`,
    );
  }
  if (SECRET_METHODS.includes(method) && !options.clientSecret) {
    throw new InvalidOptionsError(`${where}: clientAuthMethod ${method} needs a clientSecret`);
  }
  if (method === 'private_key_jwt' && !options.privateKey) {
    throw new InvalidOptionsError(`${where}: clientAuthMethod private_key_jwt needs a privateKey`);
  }
  const privateKey =
    method === 'private_key_jwt' ? parseClientPrivateKey(options.privateKey!) : undefined;
  const alg = options.clientAssertionAlg;
  if (alg !== undefined && method.endsWith('_jwt') && !assertionAlgFits(alg, privateKey)) {
    throw new InvalidOptionsError(
      `${where}: clientAssertionAlg ${JSON.stringify(String(alg)).slice(0, 24)} does not fit the ${privateKey ? `${privateKey.asymmetricKeyType} privateKey` : 'client secret'} (default ${privateKey ? algorithmForKey(privateKey) : 'HS256'})`,
    );
  }
  return {
    clientId: options.clientId,
    method,
    clientSecret: options.clientSecret,
    privateKey,
    privateKeyId: options.privateKeyId,
    assertionAlg: options.clientAssertionAlg,
    clock: options.clock ?? Date.now,
  };
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
      return basicAuthentication(config.clientId, config.clientSecret);
    case 'client_secret_post':
      return {
        params: { client_id: config.clientId, client_secret: config.clientSecret as string },
        headers: {},
        secrets: [config.clientSecret as string],
      };
    case 'client_secret_jwt':
    case 'private_key_jwt': {
      const assertion = await clientAssertion(config, audience);
      return {
        params: {
          client_id: config.clientId,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: assertion,
        },
        headers: {},
        secrets: config.clientSecret ? [assertion, config.clientSecret] : [assertion],
      };
    }
    case 'none':
      return { params: { client_id: config.clientId }, headers: {}, secrets: [] };
  }
}

/**
 * HTTP Basic client authentication (RFC 6749 §2.3.1). A client without a secret (Google STS's
 * may have none) sends an empty one.
 */
export function basicAuthentication(clientId: string, clientSecret = ''): ClientAuthentication {
  const basic = encodeBase64(`${formEncode(clientId)}:${formEncode(clientSecret)}`);
  return {
    params: {},
    headers: { authorization: `Basic ${basic}` },
    secrets: clientSecret === '' ? [basic] : [clientSecret, formEncode(clientSecret), basic],
  };
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
  const key = symmetric ? new TextEncoder().encode(config.clientSecret) : config.privateKey!;
  const claims = {
    iss: config.clientId,
    sub: config.clientId,
    aud: audience,
    jti: randomId(),
    iat: now,
    exp: now + ASSERTION_LIFETIME_SEC,
  };
  return signJwt(claims, {
    algorithm: alg,
    keyId: symmetric ? undefined : config.privateKeyId,
    sign: (data) => jwsSign(alg, key, data),
  });
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

/** Whether `alg` can sign with `key` (an RSA key signs RS* and PS*), or with a secret (HS*). */
function assertionAlgFits(alg: string, key: KeyObject | undefined): boolean {
  if (!key) return /^HS(256|384|512)$/.test(alg);
  if (key.asymmetricKeyType === 'rsa') return /^(RS|PS)(256|384|512)$/.test(alg);
  const own = algorithmForKey(key);
  return alg === own || (own === 'EdDSA' && alg === 'Ed25519');
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
