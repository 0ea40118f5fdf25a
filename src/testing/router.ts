/**
 * The emulator's router: routes are plain values (name, methods, paths, handler) and handlers
 * turn a request value into a response value. Hit counting, latency and faults are applied
 * here, once, for every route.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  faultResponse,
  FaultQueue,
  replacesResponse,
  resetMidBody,
  type ErrorShape,
} from './faults.js';
import { apiErrorBody, OAuthError, oauthErrorForStatus } from './google-errors.js';
import type { EmulatorState } from './state.js';

/** One request, read in full, as route handlers see it. */
export interface EmulatorRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased names, as node:http delivers them. */
  headers: IncomingHttpHeaders;
  /** The body as text; empty when there is none. */
  body: string;
  /** The client certificate (DER) of a mutual-TLS connection. */
  peerCertificate?: Buffer;
}

/** What a handler answers. */
export interface RouteResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type RouteHandler = (
  request: EmulatorRequest,
  state: EmulatorState,
) => RouteResponse | Promise<RouteResponse>;

/** A route: the unit of hit counting and fault injection. */
export interface RouteDefinition {
  /** Key in `hits` and the target of `fail()`; several definitions may share one. */
  name: string;
  /** Upper-case methods it accepts; other methods get 405. */
  methods: readonly string[];
  /** Exact paths it serves. */
  paths?: readonly string[];
  /** Path prefixes it serves (include the trailing `/`). */
  prefixes?: readonly string[];
  /** With `prefixes`: serves only paths ending in one of these (`:signBlob`). */
  suffixes?: readonly string[];
  /** Error JSON for faults and 405s. Default `'api'`. */
  errorShape?: ErrorShape;
  /** Throw an {@link OAuthError} to answer with an OAuth error. */
  handle: RouteHandler;
}

/** A JSON response. */
export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): RouteResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** Request bodies larger than this are not parsed as JSON. */
const MAX_JSON_BODY_CHARS = 1024 * 1024;

/** A request body that is a JSON object, or undefined for anything else (too big, malformed, an array...). */
export function jsonObjectBody(text: string): Record<string, unknown> | undefined {
  let body: unknown;
  try {
    body = text.length <= MAX_JSON_BODY_CHARS ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** How an OAuth error thrown by a handler is answered. */
export function oauthErrorResponse(error: OAuthError): RouteResponse {
  return json(error.status, error.toBody(), { 'cache-control': 'no-store', pragma: 'no-cache' });
}

export class Router {
  /** Requests per route name; every added name starts at 0. */
  readonly hits: Record<string, number> = {};
  readonly faults = new FaultQueue();
  readonly #routes: RouteDefinition[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #state: EmulatorState;

  constructor(state: EmulatorState) {
    this.#state = state;
  }

  add(route: RouteDefinition): void {
    this.#routes.push(route);
    this.hits[route.name] ??= 0;
  }

  /** Whether some route has this name. */
  has(name: string): boolean {
    return this.#routes.some((route) => route.name === name);
  }

  resetHits(): void {
    for (const name of Object.keys(this.hits)) this.hits[name] = 0;
  }

  /** The node:http request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.#dispatch(req, res).catch(() => res.destroy());
  };

  /** Cancels pending latency and fault delays; their requests are never answered. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      return send(res, preflightResponse(req.headers));
    }
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = this.#routes.find(
      (candidate) =>
        candidate.paths?.includes(url.pathname) ||
        (candidate.prefixes?.some((prefix) => url.pathname.startsWith(prefix)) &&
          (candidate.suffixes?.some((suffix) => url.pathname.endsWith(suffix)) ?? true)),
    );
    if (route) this.hits[route.name]++;

    const body = await readBody(req);
    await this.#sleep(this.#state.latencyMs);
    if (!route) return send(res, json(404, apiErrorBody(404)));

    const fault = this.faults.take(route.name);
    await this.#sleep(fault?.delayMs ?? 0);
    if (fault?.hang) return;
    if (fault?.reset) return resetMidBody(res, fault);

    const shape = route.errorShape ?? 'api';
    let response: RouteResponse;
    if (fault && replacesResponse(fault)) {
      const { status, body: text } = faultResponse(fault, shape);
      response = {
        status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: text,
      };
    } else if (!route.methods.includes(req.method ?? 'GET')) {
      const error = shape === 'oauth' ? oauthErrorForStatus(405).toBody() : apiErrorBody(405);
      response = json(405, error, { allow: route.methods.join(', ') });
    } else {
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        peerCertificate: peerCertificate(req),
      };
      response = await invoke(route, request, this.#state);
    }
    send(res, response, fault?.headers);
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}

async function invoke(
  route: RouteDefinition,
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<RouteResponse> {
  try {
    return await route.handle(request, state);
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error);
    // An emulator bug: answer it visibly rather than hang the client.
    return json(500, apiErrorBody(500, `emulator: ${String(error)}`));
  }
}

function peerCertificate(req: IncomingMessage): Buffer | undefined {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const raw = socket.getPeerCertificate().raw as Buffer | undefined;
  return raw && raw.length > 0 ? raw : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Browsers may call every route from any origin, as they may call Google's certificate and
 * token endpoints: answers carry `access-control-allow-origin: *`, and preflights allow what
 * they ask for. No cookies are involved, so nothing is allowed with credentials.
 */
const CORS = { 'access-control-allow-origin': '*' };

function preflightResponse(headers: IncomingHttpHeaders): RouteResponse {
  return {
    status: 204,
    headers: {
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': String(headers['access-control-request-headers'] ?? ''),
      'access-control-max-age': '600',
    },
  };
}

function send(
  res: ServerResponse,
  response: RouteResponse,
  extra: Record<string, string> = {},
): void {
  res.writeHead(response.status, { ...CORS, ...response.headers, ...extra });
  res.end(response.body);
}
