import { InvalidOptionsError } from '../errors.js';

/**
 * True for the loopback interface (RFC 8252 §8.3): 127.0.0.0/8, `localhost` and `[::1]`, where
 * plain http never leaves the machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * Checks an OAuth endpoint or issuer URL when it is given, before any connection: absolute,
 * without credentials or a fragment, and https, or plain http on the loopback interface. Tests
 * against another plain-http host pass `allowInsecureHttp`. Returns the URL as given.
 */
export function checkEndpointUrl(value: unknown, name: string, allowInsecureHttp = false): string {
  if (typeof value === 'string' && accepted.has(value)) return value;
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new InvalidOptionsError(
      `${name} is not an absolute URL (give the full https:// address)`,
    );
  }
  if (url.username || url.password || url.hash) {
    throw new InvalidOptionsError(`${name} must not carry credentials or a #fragment`);
  }
  const secure =
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname)));
  if (!secure) {
    throw new InvalidOptionsError(
      `${name} ${url.protocol === 'http:' ? `http://${url.host}` : url.protocol} is refused: OAuth endpoints must use https (plain http only on 127.0.0.1, localhost or [::1], or with allowInsecureHttp for a test setup)`,
    );
  }
  // Accepted without the opt-out, a URL passes whatever the caller allows.
  if (typeof value === 'string' && !allowInsecureHttp) {
    if (accepted.size >= MAX_ACCEPTED) accepted.clear();
    accepted.add(value);
  }
  return String(value);
}

/**
 * URLs that passed the check without `allowInsecureHttp`. Credentials built by the thousand share
 * a handful of token endpoints, and parsing each one again costs more than the rest of a
 * constructor.
 */
const accepted = new Set<string>();
const MAX_ACCEPTED = 256;

/**
 * Checks a credential's token endpoint when the credential is made, before any connection. Named
 * `token_uri` when it came from a JSON file or ADC (those set `source`), `tokenUri` otherwise.
 */
export function checkTokenUri(options: {
  tokenUri?: string;
  source?: string;
  allowInsecureHttp?: boolean;
}): void {
  if (options.tokenUri === undefined) return;
  const field = options.source === undefined ? 'tokenUri' : `${options.source}: token_uri`;
  checkEndpointUrl(options.tokenUri, field, options.allowInsecureHttp);
}
