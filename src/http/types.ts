import type { HttpAgent } from '../platform/node-types.js';

/** One HTTP exchange as plain values: what the protocol halves build and consume. */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  /** Present for mutual TLS: the client's certificate and key (PEM). */
  clientCertificate?: ClientCertificate;
  /** Never through a proxy, whatever the environment says (the metadata server). */
  direct?: boolean;
  /** Secret values the request carries (client secret, refresh token, assertion ...). */
  secrets?: readonly string[];
}

/** A client certificate for mutual TLS. */
export interface ClientCertificate {
  cert: string;
  key: string;
  /** Extra trusted CA certificates (PEM), e.g. a private STS endpoint's. */
  ca?: string;
}

/** The one thing a protocol half reads from response headers: a value by (any-case) name. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: string;
  /** The request's {@link HttpRequest.secrets}: an error made from this response redacts them. */
  sentSecrets?: readonly string[];
}

/** How one kind of request is bounded and carried: timeout, retries, and the wire. */
export interface HttpOptions {
  /** Milliseconds one attempt may take, headers and body included: 1 to 2^31 - 1. Default 10 000. */
  timeoutMs?: number;
  /** Retry policy for transient failures; `{ maxAttempts: 1 }` turns retries off. */
  retry?: Partial<RetryPolicy>;
  /** Stops the request and any backoff wait. */
  signal?: AbortSignal;
  /**
   * PEM certificates of the only authorities trusted for this server's TLS certificate, for
   * token servers with a private CA (GDCH). Default: Node's bundled roots.
   */
  ca?: string;
  /**
   * Send through this `fetch` instead of warrant's keep-alive node:http client (for a fetch
   * with its own dispatcher, tracing, or a runtime without node:http). Proxy settings are then
   * the fetch's business.
   */
  fetch?: typeof fetch;
  /**
   * Send through this node:http(s) agent (its pool, TLS options, proxy) instead of warrant's
   * shared keep-alive agents; it must match the URL's scheme. The proxy environment is not read.
   */
  agent?: HttpAgent;
  /**
   * The forward proxy, as `http://host:port`; `false` for none. Default: `HTTPS_PROXY`,
   * `https_proxy`, `HTTP_PROXY` or `http_proxy`, minus the hosts in `NO_PROXY`/`no_proxy`, as
   * gaxios reads them. The metadata server is never reached through a proxy.
   */
  proxy?: string | false;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 4. */
  maxAttempts: number;
  /** First backoff delay in milliseconds; it doubles each retry, with jitter. Default 100. */
  initialDelayMs: number;
  /** Longest backoff delay in milliseconds. Default 2 000. */
  maxDelayMs: number;
  /** A Retry-After longer than this (milliseconds) is not waited for: the error is thrown. Default 30 000. */
  maxRetryAfterMs: number;
}
