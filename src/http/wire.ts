import { InvalidOptionsError } from '../errors.js';
import { MAX_TIMEOUT_MS } from './deadlines.js';
import { sendWithFetch } from './fetch-wire.js';
import type * as NodeWireModule from './node-wire.js';
import { checkHttpUrl, DEFAULT_TIMEOUT_MS, describeUrl } from './send.js';
import type { HttpOptions, HttpRequest, HttpResponse } from './types.js';

type NodeWire = typeof NodeWireModule;

// Loaded on the first request, so importing warrant does not load node:http; once loaded, called
// directly rather than through the import's promise.
let nodeWire: Promise<NodeWire> | undefined;
let loadedNodeWire: NodeWire | undefined;

/**
 * The one seam every request warrant makes goes through. On Node: a keep-alive node:http(s)
 * client with a socket cap per host and the proxy environment (no undici, whose first use on
 * Node 20 delays process exit by ~100 ms). With `options.fetch`, or where there is no
 * node:http, that fetch.
 */
export function sendRequest(
  request: HttpRequest,
  options: Pick<HttpOptions, 'timeoutMs' | 'signal' | 'fetch' | 'agent' | 'proxy' | 'ca'> = {},
): Promise<HttpResponse> {
  checkHttpUrl(request.url, 'the request URL');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(typeof timeoutMs === 'number' && timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new InvalidOptionsError(
      `http.timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (or leave it out for ${DEFAULT_TIMEOUT_MS})`,
    );
  }
  const ownTls = options.ca !== undefined || request.clientCertificate !== undefined;
  if (ownTls && (options.fetch !== undefined || !hasNodeHttp())) {
    throw new InvalidOptionsError(
      `a private CA or a client certificate for ${describeUrl(request.url)} needs Node's https client: leave http.fetch out`,
    );
  }
  if (options.fetch !== undefined) {
    if (typeof options.fetch !== 'function') {
      throw new InvalidOptionsError('http.fetch must be a fetch function (or leave it out)');
    }
    return sendWithFetch(request, timeoutMs, options.signal, options.fetch);
  }
  if (!hasNodeHttp()) return sendWithFetch(request, timeoutMs, options.signal, fetch);
  if (options.agent !== undefined && typeof options.agent?.destroy !== 'function') {
    throw new InvalidOptionsError(
      'http.agent must be a node:http or node:https Agent (or leave it out)',
    );
  }
  if (loadedNodeWire) {
    return loadedNodeWire.sendWithNode(request, timeoutMs, options.signal, options);
  }
  nodeWire ??= import('./node-wire.js').then((wire) => (loadedNodeWire = wire));
  return nodeWire.then((wire) => wire.sendWithNode(request, timeoutMs, options.signal, options));
}

function hasNodeHttp(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
