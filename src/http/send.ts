import { AbortedError, NetworkError, TimeoutError } from '../errors.js';
import { sendMutualTls } from './send-mtls.js';
import type { HttpRequest, HttpResponse } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Token servers answer in kilobytes; more is not a token response. */
const MAX_TRUSTED_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends one request and reads the whole body, bounded by `timeoutMs`. Failures become
 * {@link NetworkError}, {@link TimeoutError} or {@link AbortedError}; the original error is kept as
 * `cause` only as its code and message, which never include the request body.
 */
export async function sendRequest(
  request: HttpRequest,
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
  signal?: AbortSignal,
  ca?: string,
): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    if (request.clientCertificate) return await sendMutualTls(request, combined);
    if (ca !== undefined) return await sendTrusting(request, ca, combined);
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: combined,
      redirect: 'manual',
    });
    const body = await response.text();
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (signal?.aborted)
      throw new AbortedError(`request to ${describeUrl(request.url)} was aborted`);
    if (timeout.aborted) {
      throw new TimeoutError(
        `request to ${describeUrl(request.url)} took longer than ${timeoutMs} ms`,
        timeoutMs,
      );
    }
    throw new NetworkError(
      `request to ${describeUrl(request.url)} failed: ${networkReason(error)}`,
      describeUrl(request.url),
      safeCause(error),
    );
  }
}

/**
 * HTTPS trusting only `ca`: fetch takes no CA without the undici package. node:https loads on
 * first use, as only private-CA token servers need it.
 */
async function sendTrusting(
  request: HttpRequest,
  ca: string,
  signal: AbortSignal,
): Promise<HttpResponse> {
  if (!request.url.startsWith('https:')) {
    throw new TypeError('a trusted CA applies to https URLs only');
  }
  const { request: httpsRequest } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      request.url,
      { method: request.method, headers: request.headers, ca, signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_TRUSTED_RESPONSE_BYTES) req.destroy(new Error('response too large'));
          else chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of Array.isArray(value) ? value : [value ?? '']) {
              headers.append(name, one);
            }
          }
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** The URL without its query string, which may carry a code or token. */
export function describeUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function rootCause(error: unknown): { code?: string; message?: string } {
  let e = error as { code?: string; message?: string; cause?: unknown } | undefined;
  while (e && typeof e === 'object' && e.cause && typeof e.cause === 'object') {
    e = e.cause as typeof e;
  }
  return e ?? {};
}

function networkReason(error: unknown): string {
  const root = rootCause(error);
  return root.code ?? root.message ?? 'connection error';
}

function safeCause(error: unknown): Error {
  const root = rootCause(error);
  const cause = new Error(root.code ?? 'connection error');
  if (root.code) (cause as Error & { code?: string }).code = root.code;
  return cause;
}
