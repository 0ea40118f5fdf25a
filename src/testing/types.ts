/**
 * The public shapes of the emulator: its options, the handle {@link startEmulator} returns,
 * injectable faults, and the credential JSON files it hands out.
 */
import type { EmulatorState } from './state.js';

/** Options of {@link startEmulator}. Every field has a default. */
export interface EmulatorOptions {
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Port to listen on. Default `0`: an ephemeral port chosen by the OS. */
  port?: number;
  /** Lifetime in seconds of the access tokens the emulator issues. Default 3600. */
  tokenLifetimeSec?: number;
  /** Milliseconds added before every response. Default 0. */
  latencyMs?: number;
  /** Project of the ready-made service account. Default `'emulated-project'`. */
  projectId?: string;
  /**
   * Whether the refresh grant returns a new `refresh_token` and invalidates the one it was
   * given. Default `false` (Google's usual behaviour).
   */
  rotateRefreshTokens?: boolean;
  /** Serve HTTPS with this PEM key and certificate (e.g. one signed by a test CA). Default HTTP. */
  tls?: { key: string; cert: string };
}

/**
 * A fault injected into the next requests of one route with {@link Emulator.fail}.
 * With none of `status`, `body`, `reset` or `hang`, the request is handled normally after
 * `delayMs`, with `headers` added to the response.
 */
export interface Fault {
  /** How many of the next requests to the route it applies to. Default 1. */
  count?: number;
  /**
   * Respond with this status. The body is Google-shaped error JSON for the route (OAuth
   * `{error, error_description}` on the token endpoint, `{error: {code, message, status}}`
   * elsewhere) unless `body` is given.
   */
  status?: number;
  /** Raw body to send instead of handling the request, with `status` (default 200). */
  body?: string;
  /** Headers added to the response, e.g. `{ 'retry-after': '1' }`. */
  headers?: Record<string, string>;
  /** Wait this long before handling the request. */
  delayMs?: number;
  /** Send the status, headers and part of a body, then destroy the socket. */
  reset?: boolean;
  /** Accept the request and never answer it (until {@link Emulator.stop}). */
  hang?: boolean;
}

/** A Google service-account JSON key, as the Cloud console downloads it. */
export interface ServiceAccountKeyJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  /** PKCS#8 PEM: RSA 2048 (RS256) or EC P-256 (ES256). */
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

/** An `authorized_user` JSON file, as `gcloud auth application-default login` writes it. */
export interface AuthorizedUserJson {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token_uri: string;
  quota_project_id?: string;
}

/** A running emulator, returned by {@link startEmulator}. */
export interface Emulator {
  /** Root URL, e.g. `'http://127.0.0.1:40123'`. */
  readonly url: string;
  /** `host:port`, e.g. `'127.0.0.1:40123'` (the form `GCE_METADATA_HOST` takes). */
  readonly host: string;
  /** The OAuth 2.0 token endpoint, `${url}/token`. */
  readonly tokenUrl: string;
  /** ID-token signing keys as a `{kid: PEM}` map, `${url}/oauth2/v1/certs`. */
  readonly certsUrl: string;
  /** ID-token signing keys as a JWKS, `${url}/oauth2/v3/certs`. */
  readonly jwksUrl: string;
  /** The protected echo API, `${url}/echo`. */
  readonly echoUrl: string;
  /** A ready-made RS256 service account whose `token_uri` is this emulator. */
  readonly serviceAccountKey: ServiceAccountKeyJson;
  /** A ready-made user (client and refresh token) whose `token_uri` is this emulator. */
  readonly authorizedUser: AuthorizedUserJson;
  /**
   * Requests received per route name (`token`, `certs`, `jwks`, `echo`, ...), faulted ones
   * included. Every registered route reads 0 before its first request.
   */
  readonly hits: Record<string, number>;
  /** Sets every hit counter back to 0. */
  resetHits(): void;
  /**
   * Queues a fault for the next `fault.count` requests to `route`. Faults queued for the same
   * route apply one after the other. Throws if no route has that name.
   */
  fail(route: string, fault: Fault): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Changes the delay added before every response. */
  setLatency(ms: number): void;
  /** Changes the lifetime of access tokens issued from now on. */
  setTokenLifetime(sec: number): void;
  /** Registers another service account and returns its JSON key. Default algorithm RS256. */
  createServiceAccount(options?: {
    algorithm?: 'RS256' | 'ES256';
    email?: string;
  }): ServiceAccountKeyJson;
  /**
   * Registers a new OAuth client and user and returns their `authorized_user` JSON. Default
   * scopes: `openid`, `userinfo.email` and `cloud-platform`, like gcloud's ADC login.
   */
  createUser(options?: { scopes?: string[] }): AuthorizedUserJson;
  /**
   * Makes an access or refresh token stop working, as Google's revocation does: revoking
   * either also revokes the refresh token behind an access token and the access tokens a
   * refresh token produced. Throws if the emulator never issued the token.
   */
  revokeToken(token: string): void;
  /**
   * Grants `member` (a user or service-account email) `roles/iam.serviceAccountTokenCreator` on
   * the registered service account `target`, so IAM Credentials lets it act as `target`.
   */
  grantTokenCreator(member: string, target: string): void;
  /** Makes every access token issued so far expired. Self-signed JWTs are unaffected. */
  expireAccessTokens(): void;
  /** The registries and configuration the routes share, for advanced tests. */
  readonly state: EmulatorState;
  /** Closes the server and every connection, hanging ones included. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Also serves every route over HTTPS on another loopback port, requiring a client certificate
   * signed by `ca` (the mutual-TLS STS endpoint of X.509 federation). Returns its root URL.
   */
  listenMutualTls(tls: { cert: string; key: string; ca: string }): Promise<string>;
}
