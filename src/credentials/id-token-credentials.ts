import type { TokenIdentity } from './token-cache.js';
import { AuthError, InvalidOptionsError } from '../errors.js';
import { decodeUnverifiedClaims } from '../id-token/jws.js';
import { Credentials, type CredentialsOptions, type TokenResult } from './credentials.js';

/** Options for {@link IdTokenCredentials}. */
export interface IdTokenCredentialsOptions extends CredentialsOptions {
  /** Credentials that can mint ID tokens: service account, compute, impersonated or user. */
  sourceCredentials: Credentials;
  /**
   * What the tokens are for: the URL of a Cloud Run service or Cloud Function, or the OAuth
   * client id of an IAP-protected app. (User credentials ignore it: Google mints their ID tokens
   * for the OAuth client they logged in with.)
   */
  audience: string;
}

/**
 * Credentials whose `authorization` header carries an OpenID Connect ID token for one audience
 * instead of an access token: what Cloud Run, Cloud Functions and IAP expect from callers. Tokens
 * come from the source credentials' `fetchIdToken` and are refreshed before their `exp`.
 *
 * @example
 * ```ts
 * const sourceCredentials = await ServiceAccountCredentials.fromFile('key.json');
 * const audience = 'https://hello-abc123-uc.a.run.app';
 * const client = new AuthorizedClient(new IdTokenCredentials({ sourceCredentials, audience }));
 * const response = await client.fetch(`${audience}/greet`);
 * ```
 */
export class IdTokenCredentials extends Credentials<IdTokenCredentialsOptions> {
  readonly type = 'id_token';

  constructor(options: IdTokenCredentialsOptions) {
    if (!(options.sourceCredentials instanceof Credentials)) {
      throw new InvalidOptionsError(
        'IdTokenCredentials needs sourceCredentials: a Credentials object',
      );
    }
    if (typeof options.audience !== 'string' || options.audience === '') {
      throw new InvalidOptionsError(
        'IdTokenCredentials needs an audience: the URL of the service to call, or the IAP client id',
      );
    }
    super(options);
  }

  get audience(): string {
    return this.options.audience;
  }

  get sourceCredentials(): Credentials {
    return this.options.sourceCredentials;
  }

  /** An ID token for `audience`, from the source credentials. */
  override fetchIdToken(audience: string): Promise<string> {
    return this.options.sourceCredentials.fetchIdToken(audience);
  }

  /** The source's identity with this audience: unshared when the source's tokens are. */
  protected override async tokenIdentity(): Promise<TokenIdentity | undefined> {
    const source = await Credentials.identityOf(this.options.sourceCredentials);
    return source && { ...source, type: `${this.type}/${source.type}`, audience: this.audience };
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const idToken = await this.options.sourceCredentials.fetchIdToken(this.options.audience);
    return {
      accessToken: idToken,
      idToken,
      expiresAt: expiryOf(idToken, this.options.sourceCredentials.type),
    };
  }

  override toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      audience: this.options.audience,
      sourceCredentials: this.options.sourceCredentials.toJSON(),
      quotaProjectId: this.options.quotaProjectId,
    };
  }
}

/**
 * The `exp` of a token just received from a trusted endpoint, read without verifying it: the
 * signature protects the token's receiver, not this holder.
 */
function expiryOf(idToken: string, source: string): number {
  let exp: unknown;
  try {
    exp = decodeUnverifiedClaims(idToken).exp;
  } catch {
    exp = undefined;
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new AuthError(
      'ERR_TOKEN_RESPONSE',
      `the ID token from the ${source} credentials is not a JWT with an exp claim`,
    );
  }
  return exp * 1000;
}
