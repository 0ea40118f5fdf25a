import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import type * as HttpsModule from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type * as TlsModule from 'node:tls';
import { AuthError, InvalidOptionsError, NetworkError } from '../errors.js';
import { deadlineAfter } from './deadlines.js';
import { proxyAuthorization, proxyFor } from './proxy.js';
import { MAX_RESPONSE_BYTES, parseHttpUrl, responseTooLarge, transportError } from './send.js';
import type { HttpOptions, HttpRequest, HttpResponse, ResponseHeaders } from './types.js';

/**
 * A 1,000-credential refresh burst queues on these instead of opening 1,000 connections; a
 * token endpoint answers in milliseconds, so the queue drains fast.
 */
export const MAX_SOCKETS_PER_HOST = 32;

/** Idle pooled sockets close before the usual 5 s server keep-alive, so reuse rarely races a close. */
const IDLE_SOCKET_MS = 4_000;

// The idle timeout is not an agent option: see idleAfter().
const POOL = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST } as const;

type Https = typeof HttpsModule;
type Tls = typeof TlsModule;

// TLS costs import time most programs (the metadata server, a loopback emulator) never need.
let tlsModules: Promise<{ https: Https; tls: Tls }> | undefined;
function loadTls(): Promise<{ https: Https; tls: Tls }> {
  tlsModules ??= Promise.all([import('node:https'), import('node:tls')]).then(([https, tls]) => ({
    https,
    tls,
  }));
  return tlsModules;
}

/** Keep-alive agents, one per scheme and proxy, shared by every credential in the process. */
const agents = new Map<string, Agent>();

/**
 * Sends one request over node:http(s) with a pooled keep-alive socket and reads the whole body,
 * bounded by `timeoutMs` and {@link MAX_RESPONSE_BYTES}. A pooled socket the server closed just
 * as it was reused is retried once on a fresh one: the request never reached the server.
 */
export async function sendWithNode(
  request: HttpRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  options: Pick<HttpOptions, 'agent' | 'proxy' | 'ca'>,
): Promise<HttpResponse> {
  // The seam (./wire.ts) checked the URL, so it parses.
  const url = parseHttpUrl(request.url)!;
  const secure = url.secure;
  const ownTls = tlsMaterial(request, options);
  if (ownTls && !secure) {
    throw new InvalidOptionsError(
      `a private CA or a client certificate applies to https URLs only, not ${url.origin}`,
    );
  }
  const tls = secure ? await loadTls() : undefined;
  const proxy = request.direct || options.agent ? undefined : proxyFor(url, options.proxy);
  const headers: Record<string, string> = { ...request.headers };
  const target: RequestOptions = {
    method: request.method,
    headers,
    agent: options.agent ?? agentFor(url.protocol, proxy, tls),
    // The https agent keeps connections with their own TLS material in pools of their own.
    ...ownTls,
  };
  if (request.body !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(request.body));
  }
  if (proxy && !secure) {
    // Plain http through a proxy: the absolute URL goes to the proxy, which forwards it.
    target.host = proxy.hostname;
    target.port = proxy.port || 80;
    target.path = url.href;
    headers.host = url.host;
    const auth = proxyAuthorization(proxy);
    if (auth) headers['proxy-authorization'] = auth;
  } else {
    target.host = url.socketHost;
    target.port = url.port;
    target.path = url.path;
  }
  const send = tls ? tls.https.request : httpRequest;
  try {
    return await attempt(send, target, request, timeoutMs, signal);
  } catch (error) {
    if (error instanceof StaleSocket) return attempt(send, target, request, timeoutMs, signal);
    if (error instanceof AuthError) throw error;
    // node:http threw before sending (a header value it refuses, say).
    throw transportError(error, request.url, { aborted: false, timedOut: false, timeoutMs });
  }
}

/** The CA and client certificate a request brings (GDCH's private CA, X.509 federation). */
function tlsMaterial(
  request: HttpRequest,
  options: Pick<HttpOptions, 'ca'>,
): { ca?: string; cert?: string; key?: string } | undefined {
  const client = request.clientCertificate;
  const ca = client?.ca ?? options.ca;
  if (!client && ca === undefined) return undefined;
  return { ...(ca !== undefined && { ca }), ...(client && { cert: client.cert, key: client.key }) };
}

function agentFor(
  protocol: string,
  proxy: URL | undefined,
  tls: { https: Https; tls: Tls } | undefined,
): Agent {
  const key = `${protocol}${proxy ? ` via ${proxy.href}` : ''}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = idleAfter(IDLE_SOCKET_MS, tls ? new tls.https.Agent(POOL) : new Agent(POOL));
    if (tls && proxy) tunnelThrough(agent, proxy, tls.tls);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Closes the agent's sockets after `idleMs` without traffic, as its `timeout` option would, but
 * arms the timer once per socket: given as `timeout`, Node clears it when a request starts and
 * sets it again when the request ends, two timer operations per request for a value that never
 * changes. Node's own rule still decides, with the option present only while it runs: it arms
 * `idleMs`, or less when the server's Keep-Alive hint is shorter, and does not keep the socket
 * at all when that hint leaves no time. An idle timeout firing during a request does nothing:
 * Node's agent closes only free sockets on it, and the attempt's own timer bounds the request.
 */
function idleAfter<A extends Agent>(idleMs: number, agent: A): A {
  const options = (agent as unknown as { options: { timeout?: number } }).options;
  const keepSocketAlive = agent.keepSocketAlive.bind(agent) as (socket: Duplex) => boolean;
  agent.keepSocketAlive = (socket: Duplex) => {
    options.timeout = idleMs;
    try {
      return keepSocketAlive(socket);
    } finally {
      options.timeout = undefined;
    }
  };
  return agent;
}

type CreateConnection = (
  options: { host?: string; port?: number; servername?: string } & Record<string, unknown>,
  done: (error: Error | null, socket?: Socket) => void,
) => undefined;

/**
 * Makes an https agent open each connection as a CONNECT tunnel through `proxy`, then TLS to the
 * target inside it; the agent pools the tunnelled sockets like any other.
 */
function tunnelThrough(agent: Agent, proxy: URL, tls: Tls): void {
  const createConnection: CreateConnection = (options, done) => {
    const authority = `${options.host}:${options.port}`;
    const headers: Record<string, string> = { host: authority };
    const auth = proxyAuthorization(proxy);
    if (auth) headers['proxy-authorization'] = auth;
    const connect = httpRequest({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
    });
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        done(
          new NetworkError(
            `proxy ${proxy.host} refused a tunnel to ${authority} with HTTP ${response.statusCode}`,
            authority,
          ),
        );
        return;
      }
      done(
        null,
        tls.connect({ ...options, socket, servername: options.servername ?? options.host }),
      );
    });
    connect.once('error', (error) => done(error));
    connect.end();
    return undefined;
  };
  (agent as unknown as { createConnection: CreateConnection }).createConnection = createConnection;
}

/** A pooled socket that was closed under us before any response: safe to send again. */
class StaleSocket extends Error {}

function attempt(
  send: typeof httpRequest,
  target: RequestOptions,
  request: HttpRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    let responded = false;
    const finish = (error: unknown, response?: HttpResponse) => {
      deadline.cancel();
      signal?.removeEventListener('abort', onAbort);
      if (response) resolve(response);
      else reject(error);
    };
    const fail = (error: unknown) => {
      const code = (error as { code?: string }).code;
      if (
        !responded &&
        req.reusedSocket &&
        code === 'ECONNRESET' &&
        !signal?.aborted &&
        !timedOut
      ) {
        finish(new StaleSocket());
        return;
      }
      finish(
        transportError(error, request.url, {
          aborted: signal?.aborted === true,
          timedOut,
          timeoutMs,
        }),
      );
    };
    const req = send(target, (response) => {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy();
          finish(responseTooLarge(request.url));
          return;
        }
        chunks.push(chunk);
      });
      response.once('end', () =>
        finish(undefined, {
          status: response.statusCode ?? 0,
          headers: headerReader(response.headers),
          // A token response is one chunk: decoded as it is, without a copy.
          body: (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).toString('utf8'),
        }),
      );
      response.on('error', fail);
    });
    req.on('error', fail);
    const onAbort = () => req.destroy(new Error('aborted'));
    const deadline = deadlineAfter(timeoutMs, () => {
      timedOut = true;
      req.destroy(new Error('timeout'));
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    req.end(request.body);
  });
}

function headerReader(headers: IncomingHttpHeaders): ResponseHeaders {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
