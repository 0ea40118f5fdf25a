/** One HTTP exchange as plain values: what the protocol halves build and consume. */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  /** Present for mutual TLS: the client's certificate and key (PEM). */
  clientCertificate?: ClientCertificate;
}

/** A client certificate for mutual TLS. */
export interface ClientCertificate {
  cert: string;
  key: string;
  /** Extra trusted CA certificates (PEM), e.g. a private STS endpoint's. */
  ca?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** How one kind of request is bounded: per-attempt timeout and retries. */
export interface HttpOptions {
  /** Milliseconds one attempt may take, headers and body included. Default 10 000. */
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
