import { AuthError, TokenResponseError } from '../errors.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';

/** Every metadata path lives under this prefix. */
export const METADATA_BASE_PATH = '/computeMetadata/v1/';

const FLAVOR = 'metadata-flavor';
const GOOGLE = 'Google';

/**
 * Builds a GET of `path` (relative to `/computeMetadata/v1/`) on `host`. The `Metadata-Flavor`
 * header is what the server requires, and it stops a browser page from forging the request.
 */
export function buildMetadataRequest(
  host: string,
  path: string,
  query: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
): HttpRequest {
  const url = new URL(`http://${host}${METADATA_BASE_PATH}${path.replace(/^\/+/, '')}`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  // The metadata server is link-local: a proxy could only fail to reach it, or impersonate it.
  return {
    url: url.toString(),
    method: 'GET',
    headers: { ...headers, [FLAVOR]: GOOGLE },
    direct: true,
  };
}

/** The metadata directory of one of the instance's service accounts: `default` or an email. */
export function serviceAccountPath(account: string): string {
  // An email's @ is a legal path character; anything else unusual is escaped.
  return `instance/service-accounts/${encodeURIComponent(account).replace(/%40/g, '@')}`;
}

/**
 * Whether a response carries `Metadata-Flavor: Google`, as only a real metadata server's do.
 * Takes a fetch response's `Headers` or the lower-cased map the detection probe reads.
 */
export function isMetadataResponse(response: {
  headers: { get(name: string): string | null | undefined };
}): boolean {
  return response.headers.get(FLAVOR) === GOOGLE;
}

/**
 * Reads a metadata server's answer: the body of a 2xx, or a typed error. A response without
 * `Metadata-Flavor: Google` is refused before its status or body is looked at: whatever sent it
 * (a captive portal, a proxy, an attacker on the link) is not the metadata server.
 */
export function parseMetadataResponse(response: HttpResponse, url: string, what: string): string {
  if (!isMetadataResponse(response)) {
    throw new AuthError(
      'ERR_METADATA_SPOOFED',
      `${what}: ${describeUrl(url)} answered HTTP ${response.status} without the header Metadata-Flavor: Google, so it is not a metadata server (check GCE_METADATA_HOST and any proxy in between)`,
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, what);
  }
  return response.body;
}

/** Parses a metadata value requested as JSON; a body that is not JSON is a typed error. */
export function parseMetadataJson<T>(body: string, url: string, what: string): T {
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new TokenResponseError(
      `${what}: ${describeUrl(url)} answered with a body that is not JSON`,
      describeUrl(url),
    );
  }
}
