import { AuthError, InvalidOptionsError } from '../errors.js';
import { Credentials, type CredentialsOptions, type TokenResult } from './credentials.js';
import { readOnlyHeaders } from './read-only-headers.js';

/** Options for {@link ApiKeyCredentials}. */
export interface ApiKeyCredentialsOptions extends CredentialsOptions {
  /** The API key, as the Cloud console shows it. */
  apiKey: string;
}

/** API keys are short printable strings; anything else is a paste accident. */
const API_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * An API key sent as `x-goog-api-key`: for the Google APIs that accept keys (Maps, Gemini,
 * Translation...), with no token and nothing to refresh. Works wherever credentials do, e.g. with
 * `AuthorizedClient`; asking it for an access token is `ERR_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const client = new AuthorizedClient(new ApiKeyCredentials({ apiKey: process.env.API_KEY! }));
 * const response = await client.fetch('https://translation.googleapis.com/language/translate/v2/languages');
 * ```
 */
export class ApiKeyCredentials extends Credentials<ApiKeyCredentialsOptions> {
  readonly type = 'api_key';
  readonly #headers: [string, string][];
  #shared?: Headers;

  constructor(options: ApiKeyCredentialsOptions) {
    if (typeof options?.apiKey !== 'string' || !API_KEY.test(options.apiKey)) {
      throw new InvalidOptionsError(
        'ApiKeyCredentials needs apiKey: the key from the Cloud console (printable characters, no spaces)',
      );
    }
    super(options);
    this.#headers = [['x-goog-api-key', options.apiKey]];
    if (options.quotaProjectId) this.#headers.push(['x-goog-user-project', options.quotaProjectId]);
  }

  /** `x-goog-api-key` (and `x-goog-user-project` with a quota project), read-only and shared. */
  override async getRequestHeaders(): Promise<Headers> {
    this.#shared ??= readOnlyHeaders(this.#headers);
    return this.#shared;
  }

  protected override async fetchToken(): Promise<TokenResult> {
    throw new AuthError(
      'ERR_UNSUPPORTED',
      'API key credentials have no access token: use getRequestHeaders(), or credentials of a service account or user for APIs that need OAuth',
    );
  }
}
