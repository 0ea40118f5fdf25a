/** One HTTP exchange as plain values: what the protocol halves build and consume. */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Secret values the request carries (client secret, refresh token, assertion ...). */
  secrets?: readonly string[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The request's {@link HttpRequest.secrets}: an error made from this response redacts them. */
  sentSecrets?: readonly string[];
}

/** How one kind of request is bounded: per-attempt timeout and retries. */
export interface HttpOptions {
  /** Milliseconds one attempt may take, headers and body included. Default 10 000. */
  timeoutMs?: number;
  /** Retry policy for transient failures; `{ maxAttempts: 1 }` turns retries off. */
  retry?: Partial<RetryPolicy>;
  /** Stops the request and any backoff wait. */
  signal?: AbortSignal;
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
