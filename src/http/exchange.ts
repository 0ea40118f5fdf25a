import { withRetry } from './retry.js';
import type { HttpOptions, HttpRequest, HttpResponse } from './types.js';
import { sendRequest } from './wire.js';

/**
 * The one line between a protocol's two halves: send `request` (with timeout and retries) and
 * hand the response to `parse`, which returns the typed result or throws the typed error.
 */
export function exchange<T>(
  request: HttpRequest,
  parse: (response: HttpResponse) => T,
  options: HttpOptions = {},
): Promise<T> {
  return withRetry(
    async () => {
      const response = await sendRequest(request, options);
      if (request.secrets) response.sentSecrets = request.secrets;
      return parse(response);
    },
    options.retry,
    options.signal,
  );
}
