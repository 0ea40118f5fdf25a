/** Starting and stopping an emulator, and the handle tests hold. */
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EmulatorContext } from './context.js';
import { generateKeysAsync } from './keys.js';
import { Router } from './router.js';
import { routeModules } from './routes/index.js';
import { EmulatorState } from './state.js';
import type {
  AuthorizedUserJson,
  Emulator,
  EmulatorOptions,
  Fault,
  ServiceAccountKeyJson,
} from './types.js';

/**
 * Starts a local emulator of Google's auth endpoints (token, certificates) and of a protected
 * API (`/echo`), speaking the real protocol over HTTP on 127.0.0.1. It comes with a
 * registered service account and user; point credentials at it through their `token_uri`.
 *
 * @example
 * ```ts
 * import { startEmulator } from 'warrant/testing';
 *
 * const emulator = await startEmulator();
 * const key = emulator.serviceAccountKey; // token_uri is emulator.tokenUrl
 * // ... exchange a JWT assertion signed with key.private_key at key.token_uri,
 * // then call emulator.echoUrl with the access token ...
 * emulator.fail('token', { status: 503, headers: { 'retry-after': '1' } });
 * await emulator.stop();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const tokenLifetimeSec = options.tokenLifetimeSec ?? 3600;
  const latencyMs = options.latencyMs ?? 0;
  checkLifetime(tokenLifetimeSec);
  checkLatency(latencyMs);
  const projectId = options.projectId ?? 'emulated-project';

  const server = options.tls ? createTlsServer(options.tls) : createServer();
  const keys = Promise.all([generateKeysAsync('RS256'), generateKeysAsync('RS256')]);
  const hostname = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  try {
    const { port } = server.address() as AddressInfo;
    const host = `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
    const [signingKey, serviceAccountKey] = await keys;
    const state = new EmulatorState(
      {
        url: `${options.tls ? 'https' : 'http'}://${host}`,
        projectId,
        tokenLifetimeSec,
        latencyMs,
        rotateRefreshTokens: options.rotateRefreshTokens ?? false,
      },
      signingKey,
    );
    const context: EmulatorContext = { router: new Router(state), state, grants: new Map() };
    for (const install of routeModules) install(context);
    server.on('request', context.router.listener);
    const account = state.createServiceAccount(
      { email: `emulated-sa@${projectId}.iam.gserviceaccount.com` },
      serviceAccountKey,
    );
    return new RunningEmulator(server, context.router, state, host, account);
  } catch (error) {
    server.close();
    throw error;
  }
}

class RunningEmulator implements Emulator {
  readonly url: string;
  readonly tokenUrl: string;
  readonly certsUrl: string;
  readonly jwksUrl: string;
  readonly echoUrl: string;
  readonly authorizedUser: AuthorizedUserJson;
  readonly hits: Record<string, number>;
  readonly #server: Server;
  readonly #router: Router;
  readonly #tlsServers: Server[] = [];
  #stopped?: Promise<void>;

  constructor(
    server: Server,
    router: Router,
    readonly state: EmulatorState,
    readonly host: string,
    readonly serviceAccountKey: ServiceAccountKeyJson,
  ) {
    this.#server = server;
    this.#router = router;
    this.url = state.url;
    this.tokenUrl = state.tokenUrl;
    this.certsUrl = state.certsUrl;
    this.jwksUrl = state.jwksUrl;
    this.echoUrl = `${state.url}/echo`;
    this.hits = router.hits;
    this.authorizedUser = state.createUser();
  }

  resetHits(): void {
    this.#router.resetHits();
  }

  fail(route: string, fault: Fault): void {
    if (!this.#router.has(route)) {
      const names = Object.keys(this.hits).join(', ');
      throw new Error(`emulator: no route named '${route}' (routes: ${names})`);
    }
    this.#router.faults.add(route, fault);
  }

  clearFaults(): void {
    this.#router.faults.clear();
  }

  setLatency(ms: number): void {
    checkLatency(ms);
    this.state.latencyMs = ms;
  }

  setTokenLifetime(sec: number): void {
    checkLifetime(sec);
    this.state.tokenLifetimeSec = sec;
  }

  createServiceAccount(options?: {
    algorithm?: 'RS256' | 'ES256';
    email?: string;
  }): ServiceAccountKeyJson {
    return this.state.createServiceAccount(options);
  }

  createUser(options?: { scopes?: string[] }): AuthorizedUserJson {
    return this.state.createUser(options);
  }

  revokeToken(token: string): void {
    if (!this.state.revokeToken(token)) {
      throw new Error('emulator: revokeToken was given a token this emulator never issued');
    }
  }

  grantTokenCreator(member: string, target: string): void {
    this.state.grantTokenCreator(member, target);
  }

  expireAccessTokens(): void {
    this.state.expireAccessTokens();
  }

  async listenMutualTls(tls: { cert: string; key: string; ca: string }): Promise<string> {
    const { createServer: createTlsServer } = await import('node:https');
    const server = createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: true });
    server.on('request', this.#router.listener);
    this.#tlsServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.#stopped ??= new Promise((resolve, reject) => {
      for (const server of this.#tlsServers) {
        server.close();
        server.closeAllConnections();
      }
      this.#router.close();
      this.#server.close((error) => (error ? reject(error) : resolve()));
      // Hanging and keep-alive connections would otherwise hold close() open.
      this.#server.closeAllConnections();
    });
    return this.#stopped;
  }
}

function checkLifetime(sec: number): void {
  if (!(sec > 0)) throw new Error(`emulator: tokenLifetimeSec must be positive, got ${sec}`);
}

function checkLatency(ms: number): void {
  if (!(ms >= 0)) throw new Error(`emulator: latencyMs must be 0 or more, got ${ms}`);
}
