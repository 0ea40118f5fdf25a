import { AuthError } from '../../errors.js';
import { responseError } from '../../http/response-error.js';
import { describeUrl } from '../../http/send.js';
import type { HttpResponse } from '../../http/types.js';
import { parseForm } from './encoding.js';

/** Token credentials from a request-token or access-token endpoint (RFC 5849 §2.1, §2.3). */
export interface OAuth1TokenCredentials {
  oauthToken: string;
  /** Secret: signs requests made with `oauthToken`. */
  oauthTokenSecret: string;
  /** `oauth_callback_confirmed=true` from a request-token endpoint (OAuth 1.0a). */
  callbackConfirmed: boolean;
  /** Every parameter of the response, e.g. a user id some servers add. */
  raw: Record<string, string>;
}

/** Reads a form-encoded token credentials response; both the token and its secret are required. */
export function parseTokenCredentials(
  response: HttpResponse,
  url: string,
  what: 'request token' | 'access token',
): OAuth1TokenCredentials {
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, `OAuth 1.0a ${what} request`);
  }
  const raw = Object.fromEntries(parseForm(response.body.trim()));
  for (const field of ['oauth_token', 'oauth_token_secret']) {
    if (!raw[field]) {
      throw new AuthError(
        'ERR_OAUTH1',
        `OAuth 1.0a ${what} endpoint ${describeUrl(url)} answered without ${field} (check the endpoint URL and consumer key)`,
      );
    }
  }
  return {
    oauthToken: raw.oauth_token,
    oauthTokenSecret: raw.oauth_token_secret,
    callbackConfirmed: raw.oauth_callback_confirmed === 'true',
    raw,
  };
}
