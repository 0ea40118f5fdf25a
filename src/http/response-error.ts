import { excerpt, HttpError, InvalidOptionsError, OAuthError } from '../errors.js';
import { parseRetryAfter } from './retry.js';
import { describeUrl } from './send.js';
import type { HttpResponse } from './types.js';

/**
 * Refuses what is not an {@link HttpResponse} (`{status, headers: Headers, body: string}`), so a
 * parse function handed something else fails typed instead of deep inside with a TypeError.
 */
export function checkHttpResponse(response: unknown): asserts response is HttpResponse {
  const r = response as Partial<HttpResponse> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.status !== 'number' ||
    typeof r.body !== 'string' ||
    typeof r.headers?.get !== 'function'
  ) {
    throw new InvalidOptionsError(
      'response must be an HttpResponse: { status: number, headers: Headers, body: string }',
    );
  }
}

/**
 * Turns a failed response into a typed error: an {@link OAuthError} when the body is an OAuth
 * error object (`{"error": "...", "error_description": "..."}`), else an {@link HttpError}.
 * This is the one place server text enters an error message, so it is redacted and cut to a
 * short excerpt here: token-shaped text and the exact secret values the request carried
 * (`response.sentSecrets`) are redacted; an error body of any size costs time linear in its length.
 */
export function responseError(
  response: HttpResponse,
  url: string,
  what: string,
  knownSecrets: readonly string[] = [],
): OAuthError | HttpError {
  checkHttpResponse(response);
  const secrets = response.sentSecrets ? [...knownSecrets, ...response.sentSecrets] : knownSecrets;
  const clean = (text: string) => excerpt(text, secrets);
  const where = describeUrl(url);
  const retryAfterSec = parseRetryAfter(response.headers.get('retry-after'));
  const oauth = oauthErrorBody(response.body);
  if (oauth) {
    const description = oauth.errorDescription ? `: ${clean(oauth.errorDescription)}` : '';
    return new OAuthError(
      `${what} failed with ${clean(oauth.error)}${description} (HTTP ${response.status} from ${where})`,
      {
        error: clean(oauth.error),
        errorDescription: oauth.errorDescription && clean(oauth.errorDescription),
        status: response.status,
        endpoint: where,
        retryAfterSec,
      },
    );
  }
  const snippet = clean(response.body);
  return new HttpError(
    `${what} failed with HTTP ${response.status} from ${where}${snippet ? `: ${snippet}` : ''}`,
    {
      status: response.status,
      url: where,
      retryAfterSec,
    },
  );
}

function oauthErrorBody(body: string): { error: string; errorDescription?: string } | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    if (typeof json.error === 'string') {
      return {
        error: json.error,
        errorDescription:
          typeof json.error_description === 'string' ? json.error_description : undefined,
      };
    }
    // Google APIs' error shape: {"error": {"code": 403, "message": "...", "status": "PERMISSION_DENIED"}}
    const nested = json.error as { message?: unknown; status?: unknown } | undefined;
    if (nested && typeof nested === 'object' && typeof nested.status === 'string') {
      return {
        error: nested.status,
        errorDescription: typeof nested.message === 'string' ? nested.message : undefined,
      };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
