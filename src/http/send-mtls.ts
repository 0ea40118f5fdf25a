import type { HttpRequest, HttpResponse } from './types.js';

/** Bodies of token endpoints are small; a larger answer is cut off rather than buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Sends one request over mutual TLS with node:https (fetch cannot present a client certificate).
 * Failures reject with the socket's error, which sendRequest turns into a typed error.
 */
export async function sendMutualTls(
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpResponse> {
  // Loaded on first use: only X.509 federation needs it.
  const { request: httpsRequest } = await import('node:https');
  const { cert, key, ca } = request.clientCertificate!;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(request.url, {
      method: request.method,
      headers: request.headers,
      cert,
      key,
      ...(ca && { ca }),
      signal,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error('response body too large'));
        else chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined)
            headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.end(request.body);
  });
}
