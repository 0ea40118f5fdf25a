/**
 * A private Cloud Run service (route `run`), at `/run` and `/run/...`: it answers only
 * requests whose bearer token is a Google ID token from this emulator with audience
 * `${emulator.url}/run`, as Cloud Run requires an ID token for the service URL, and echoes
 * who called. Tokens are checked with jose, independently of warrant's own verifier.
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { EmulatorModule } from '../context.js';
import { apiErrorBody } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';

export const CLOUD_RUN_PATH = '/run';

const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

export const cloudRunService: EmulatorModule = ({ router }) => {
  router.add({
    name: 'run',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    paths: [CLOUD_RUN_PATH],
    prefixes: [`${CLOUD_RUN_PATH}/`],
    handle: serve,
  });
};

async function serve(request: EmulatorRequest, state: EmulatorState): Promise<RouteResponse> {
  const claims = await callerClaims(request, state);
  if (!claims) {
    return json(401, apiErrorBody(401, 'The request was not authenticated.'), {
      'www-authenticate': 'Bearer error="invalid_token"',
    });
  }
  return json(200, {
    ok: true,
    method: request.method,
    path: request.path,
    sub: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    aud: claims.aud,
  });
}

async function callerClaims(
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<JWTPayload | undefined> {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) return undefined;
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(state.signingKeys.jwks()), {
      issuer: GOOGLE_ISSUERS,
      audience: `${state.url}${CLOUD_RUN_PATH}`,
      algorithms: ['RS256'],
    });
    return payload;
  } catch {
    return undefined;
  }
}
