/**
 * Key pairs, and the emulator's own ID-token signing keys (what Google publishes at
 * /oauth2/v1/certs and /oauth2/v3/certs).
 */
import { generateKeyPair, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT, type JWTPayload } from 'jose';
import { randomKeyId } from './ids.js';

/** The algorithms a service-account key may use. Google issues RSA keys; ES256 is for tests. */
export type KeyAlgorithm = 'RS256' | 'ES256';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** RSA 2048 for RS256, EC P-256 for ES256. Blocks for ~0.1 s (RSA). */
export function generateKeys(algorithm: KeyAlgorithm): KeyPair {
  return algorithm === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** {@link generateKeys} on the thread pool, so several keys generate in parallel. */
export function generateKeysAsync(algorithm: KeyAlgorithm): Promise<KeyPair> {
  return algorithm === 'ES256'
    ? generateKeyPairAsync('ec', { namedCurve: 'P-256' })
    : generateKeyPairAsync('rsa', { modulusLength: 2048 });
}

/** PKCS#8 PEM, the `private_key` format of service-account JSON keys. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** SPKI PEM of a public key. */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

export interface SigningKey extends KeyPair {
  kid: string;
}

/** One published RSA public key, as in Google's JWKS. */
export interface PublicJwk {
  kty: string;
  n: string;
  e: string;
  alg: 'RS256';
  use: 'sig';
  kid: string;
}

/**
 * The RS256 keys the emulator signs ID tokens with. The newest is current; older ones stay
 * published so tokens they signed still verify, as during Google's key rotation.
 */
export class SigningKeys {
  readonly #keys: SigningKey[] = [];

  constructor(first: KeyPair) {
    this.#add(first);
  }

  /** The key new ID tokens are signed with. */
  get current(): SigningKey {
    return this.#keys[this.#keys.length - 1];
  }

  /** Every published key, oldest first. */
  get all(): readonly SigningKey[] {
    return this.#keys;
  }

  /** Adds a new key (new kid) and makes it current. */
  rotate(): SigningKey {
    return this.#add(generateKeys('RS256'));
  }

  /** The JWKS served at /oauth2/v3/certs. */
  jwks(): { keys: PublicJwk[] } {
    return {
      keys: this.#keys.map(({ kid, publicKey }) => {
        const { kty, n, e } = publicKey.export({ format: 'jwk' });
        return { kty: kty ?? 'RSA', n: n ?? '', e: e ?? '', alg: 'RS256', use: 'sig', kid };
      }),
    };
  }

  /** The `{kid: PEM}` map served at /oauth2/v1/certs. */
  pems(): Record<string, string> {
    return Object.fromEntries(
      this.#keys.map(({ kid, publicKey }) => [kid, publicKeyPem(publicKey)]),
    );
  }

  /** Signs `claims` as an RS256 JWT with the current key, its kid in the header. */
  sign(claims: JWTPayload): Promise<string> {
    const { kid, privateKey } = this.current;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .sign(privateKey);
  }

  #add(pair: KeyPair): SigningKey {
    const key = { ...pair, kid: randomKeyId() };
    this.#keys.push(key);
    return key;
  }
}
