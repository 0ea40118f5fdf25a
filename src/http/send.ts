import {
  AbortedError,
  InvalidOptionsError,
  NetworkError,
  TimeoutError,
  type AuthError,
} from '../errors.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Larger answers are refused before parsing: every body warrant reads is a few kilobytes. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * The URL without its query string, which may carry a code or token, and without user info
 * (`user:password@`). An `@` later in the path (IAM's `serviceAccounts/name@project…`) stays.
 */
export function describeUrl(url: string): string {
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const start = base.indexOf('//');
  if (start === -1) return base;
  const slash = base.indexOf('/', start + 2);
  const at = base.lastIndexOf('@', slash === -1 ? base.length : slash);
  return at < start ? base : `${base.slice(0, start + 2)}${base.slice(at + 1)}`;
}

/**
 * Refuses what no wire can send to (a relative or malformed URL, another scheme) with a
 * definitive `ERR_INVALID_OPTIONS` naming `name`, before any connection and never retried.
 */
export function checkHttpUrl(url: unknown, name: string): void {
  if (typeof url !== 'string' || parseHttpUrl(url) === undefined) {
    const shown =
      typeof url === 'string' ? JSON.stringify(describeUrl(url).slice(0, 100)) : typeof url;
    throw new InvalidOptionsError(
      `${name} ${shown} is not an absolute http(s) URL (give the full https:// address)`,
    );
  }
}

/** What the wire reads from a request URL, parsed once per distinct URL. */
export interface HttpUrl {
  readonly href: string;
  readonly protocol: 'http:' | 'https:';
  readonly secure: boolean;
  readonly origin: string;
  /** `host:port` as written, for a Host header. */
  readonly host: string;
  /** As URL writes it: an IPv6 address in brackets. */
  readonly hostname: string;
  /** The host name without IPv6 brackets: what a socket connects to. */
  readonly socketHost: string;
  readonly port: number;
  /** Path and query. */
  readonly path: string;
}

// A process sends to a handful of endpoints over and over: each is parsed once, not per request.
// A URL with a query is parsed every time: the query varies, and may carry a token.
const MAX_PARSED_URLS = 64;
const parsedUrls = new Map<string, HttpUrl>();

/** `url` as an absolute http(s) URL, or undefined when it is not one. */
export function parseHttpUrl(url: string): HttpUrl | undefined {
  const known = parsedUrls.get(url);
  if (known) return known;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const secure = parsed.protocol === 'https:';
  const parts: HttpUrl = Object.freeze({
    href: parsed.href,
    protocol: secure ? 'https:' : 'http:',
    secure,
    origin: parsed.origin,
    host: parsed.host,
    hostname: parsed.hostname,
    socketHost: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : secure ? 443 : 80,
    path: `${parsed.pathname}${parsed.search}`,
  });
  if (url.includes('?')) return parts;
  if (parsedUrls.size >= MAX_PARSED_URLS) parsedUrls.clear();
  parsedUrls.set(url, parts);
  return parts;
}

/** Why an attempt ended early, as each wire observes it. */
export interface Interruption {
  aborted: boolean;
  timedOut: boolean;
  timeoutMs: number;
}

/**
 * Turns a wire's failure into {@link AbortedError}, {@link TimeoutError} or {@link NetworkError}.
 * The original error is kept as `cause` only as its code, which never includes the request body.
 */
export function transportError(error: unknown, url: string, why: Interruption): AuthError {
  const where = describeUrl(url);
  if (why.aborted) return new AbortedError(`request to ${where} was aborted`);
  if (why.timedOut) {
    return new TimeoutError(
      `request to ${where} took longer than ${why.timeoutMs} ms`,
      why.timeoutMs,
    );
  }
  if (error instanceof NetworkError) return error;
  const root = rootCause(error);
  const cause = new Error(root.code ?? 'connection error');
  if (root.code) (cause as Error & { code?: string }).code = root.code;
  return new NetworkError(
    `request to ${where} failed: ${root.code ?? root.message ?? 'connection error'}`,
    where,
    cause,
  );
}

/** A response that outgrew {@link MAX_RESPONSE_BYTES}. */
export function responseTooLarge(url: string): NetworkError {
  return new NetworkError(
    `response from ${describeUrl(url)} is larger than ${MAX_RESPONSE_BYTES} bytes (check the URL)`,
    describeUrl(url),
  );
}

function rootCause(error: unknown): { code?: string; message?: string } {
  let e = error as { code?: string; message?: string; cause?: unknown } | undefined;
  while (e && typeof e === 'object' && e.cause && typeof e.cause === 'object') {
    e = e.cause as typeof e;
  }
  return e ?? {};
}
