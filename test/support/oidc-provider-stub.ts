// A scripted OpenID provider on 127.0.0.1 for the answers a real one never gives on cue: a
// discovery document for another issuer, a key set without the token's key, ID tokens with the
// wrong nonce or audience, token responses without token_type, bare error bodies.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}

export interface StubAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON. */
  body?: string | Record<string, unknown>;
}

export type StubRoute = (request: StubRequest) => StubAnswer | Promise<StubAnswer>;

export interface StubProvider {
  issuer: string;
  /** Every request received, in order. */
  requests: StubRequest[];
  /** The key the published JWKS holds (kid `stub-key-1`). */
  signingKey: KeyObject;
  /** Answers `path` with `route` from now on. */
  route(path: string, route: StubRoute): void;
  /** An ID token for `clientId` signed with the published key, with `claims` merged over defaults. */
  idToken(
    clientId: string,
    claims?: Record<string, unknown>,
    options?: { kid?: string; key?: KeyObject | Uint8Array; alg?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

export const STUB_KID = 'stub-key-1';

/** The `n`th answer of a token endpoint that rotates refresh tokens: `access-n` and `refresh-n`. */
export function rotatedTokens(n: number): StubAnswer {
  return {
    body: {
      access_token: `access-${n}`,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: `refresh-${n}`,
    },
  };
}

export async function startStubProvider(
  options: { signingKey?: KeyObject } = {},
): Promise<StubProvider> {
  const signingKey =
    options.signingKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const routes = new Map<string, StubRoute>();
  const requests: StubRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub');
    const request: StubRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: req.headers,
      form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
    };
    requests.push(request);
    const route = routes.get(url.pathname);
    const answer: StubAnswer = route ? await route(request) : { status: 404, body: 'not found' };
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
    res.writeHead(answer.status ?? 200, {
      'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
      ...answer.headers,
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  routes.set('/.well-known/openid-configuration', () => ({
    body: {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      device_authorization_endpoint: `${issuer}/device`,
      id_token_signing_alg_values_supported: ['RS256'],
    },
  }));
  routes.set('/jwks', () => ({
    body: {
      keys: [
        {
          ...createPublicKey(signingKey).export({ format: 'jwk' }),
          kid: STUB_KID,
          use: 'sig',
          alg: 'RS256',
        },
      ],
    },
  }));

  return {
    issuer,
    requests,
    signingKey,
    route: (path, route) => routes.set(path, route),
    async idToken(clientId, claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const alg = options.alg ?? 'RS256';
      return new SignJWT({
        iss: issuer,
        sub: 'user-1',
        aud: clientId,
        iat: now,
        exp: now + 600,
        ...claims,
      })
        .setProtectedHeader({ alg, kid: options.kid ?? STUB_KID })
        .sign(options.key ?? signingKey);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
