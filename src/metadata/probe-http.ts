import { METADATA_BASE_PATH } from './metadata-request.js';

/**
 * The detection probe as raw HTTP/1.1: a GET of the metadata root with `Metadata-Flavor: Google`
 * (which the server requires), asking the server to close the connection after its answer.
 * Written by hand so that detection needs a socket and nothing more: the first `fetch()` of a
 * process costs tens of milliseconds to load, several times what the whole probe takes off-cloud.
 */
export function buildProbeRequest(hostHeader: string): string {
  return [
    `GET ${METADATA_BASE_PATH} HTTP/1.1`,
    `Host: ${hostHeader}`,
    'Metadata-Flavor: Google',
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}

/** The head of an HTTP response: status and headers (names lower-cased, values trimmed). */
export interface ResponseHead {
  status: number;
  headers: ReadonlyMap<string, string>;
}

/** How much of a response head is read before the answer counts as not HTTP at all. */
export const MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

/**
 * Reads the response head out of what a server sent so far: the head once it is complete,
 * `'incomplete'` while more must be read, `'not-http'` when the bytes cannot be an HTTP/1.x
 * response (or its head is implausibly long). The body is never looked at.
 */
export function parseResponseHead(received: string): ResponseHead | 'incomplete' | 'not-http' {
  // Decided from the first bytes, so a server speaking something else is not waited for.
  if (!'HTTP/1.'.startsWith(received.slice(0, 7))) return 'not-http';
  const end = received.search(/\r?\n\r?\n/);
  if (end < 0) return received.length > MAX_RESPONSE_HEAD_BYTES ? 'not-http' : 'incomplete';
  const [statusLine, ...lines] = received.slice(0, end).split(/\r?\n/);
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!status) return 'not-http';
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return 'not-http';
    const name = line.slice(0, colon).trim().toLowerCase();
    // A repeated header is a list; only a single exact value counts as the metadata flavour.
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return { status: Number(status[1]), headers };
}
