import { InvalidOptionsError } from '../errors.js';
import { sendWithFetch } from './fetch-wire.js';
import { DEFAULT_TIMEOUT_MS } from './send.js';
import type * as NodeWire from './wire.js';

/**
 * The wire outside Node.js: fetch (the runtime's, or `http.fetch`). A private CA or a client
 * certificate needs Node's https client, so they are refused here.
 */
export const sendRequest: typeof NodeWire.sendRequest = (request, options = {}) => {
  if (options.ca !== undefined || request.clientCertificate !== undefined) {
    throw new InvalidOptionsError(
      'a private CA or a client certificate needs Node.js (its https client); fetch cannot use them',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return sendWithFetch(request, timeoutMs, options.signal, options.fetch ?? fetch);
};
