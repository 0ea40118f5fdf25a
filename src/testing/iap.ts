/**
 * Identity-Aware Proxy, emulated: the ES256 keys IAP publishes at
 * `/iap/verify/public_key-jwk` and the signed JWTs it adds to proxied requests as
 * `x-goog-iap-jwt-assertion`. Tests mint those JWTs through `emulator.state.iap`.
 */
import { SignJWT } from 'jose';
import { generateKeys, type SigningKey } from './keys.js';
import { randomKeyId } from './ids.js';
import type { UserRecord } from './state.js';

/** IAP's issuer. */
export const IAP_ISSUER = 'https://cloud.google.com/iap';
/** IAP JWTs live ten minutes. */
const IAP_JWT_LIFETIME_SEC = 600;

/** One published EC P-256 key, as in IAP's JWKS. */
export interface IapPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  alg: 'ES256';
  use: 'sig';
  kid: string;
}

/** What {@link IapIssuer.issueJwt} signs. */
export interface IapJwtRequest {
  /** `/projects/PROJECT_NUMBER/apps/PROJECT_ID` or `.../global/backendServices/ID`. */
  audience: string;
  /** The signed-in user. Default `user@example.com`. */
  email?: string;
  /** Extra or overriding claims, e.g. `{ hd: 'example.com' }` or a past `exp`. */
  claims?: Record<string, unknown>;
}

/**
 * The emulator's IAP: ES256 signing keys (the newest signs, older ones stay published, as
 * during a rotation) and the JWTs IAP would send.
 *
 * @example
 * ```ts
 * const jwt = await emulator.state.iap.issueJwt({ audience: '/projects/1/apps/demo' });
 * ```
 */
export class IapIssuer {
  readonly #keys: SigningKey[] = [];
  readonly #userFor: (email: string) => UserRecord;

  constructor(userFor: (email: string) => UserRecord) {
    this.#userFor = userFor;
    this.rotate();
  }

  /** The key new JWTs are signed with. */
  get current(): SigningKey {
    return this.#keys[this.#keys.length - 1];
  }

  /** Adds a new P-256 key (new kid), makes it current, and returns its kid. */
  rotate(): string {
    const key = { ...generateKeys('ES256'), kid: randomKeyId() };
    this.#keys.push(key);
    return key.kid;
  }

  /** The JWKS served at `/iap/verify/public_key-jwk`. */
  jwks(): { keys: IapPublicJwk[] } {
    return {
      keys: this.#keys.map(({ kid, publicKey }) => {
        const { x, y } = publicKey.export({ format: 'jwk' });
        return { kty: 'EC', crv: 'P-256', x: x ?? '', y: y ?? '', alg: 'ES256', use: 'sig', kid };
      }),
    };
  }

  /** An IAP JWT for a request by `email` to the app `audience`, signed with the current key. */
  issueJwt(request: IapJwtRequest): Promise<string> {
    const user = this.#userFor(request.email ?? 'user@example.com');
    const iat = Math.floor(Date.now() / 1000);
    const { kid, privateKey } = this.current;
    return new SignJWT({
      iss: IAP_ISSUER,
      aud: request.audience,
      sub: `accounts.google.com:${user.id}`,
      email: user.email,
      iat,
      exp: iat + IAP_JWT_LIFETIME_SEC,
      ...request.claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .sign(privateKey);
  }
}
