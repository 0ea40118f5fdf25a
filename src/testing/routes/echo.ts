/**
 * A protected API that reports who called it: `/echo`, `/echo/...`, any path under `/api/` (a
 * catch-all for an app pointed at the emulator) and `/drive/v3/...` (so a generated Drive client
 * pointed at the emulator gets a parsable file list). It accepts the
 * emulator's access tokens and self-signed service-account JWTs, as Google APIs do.
 */
import type { EmulatorModule } from '../context.js';
import { apiErrorBody, OAuthError } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import { scopeClaim, verifyServiceAccountJwt } from '../sa-jwt.js';
import type { EmulatorState } from '../state.js';

const UNAUTHENTICATED = apiErrorBody(
  401,
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
);

export const echoApi: EmulatorModule = ({ router }) => {
  router.add({
    name: 'echo',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    paths: ['/echo'],
    prefixes: ['/echo/', '/api/', '/drive/v3/'],
    handle: echo,
  });
};

interface Caller {
  principal: string;
  scopes: string[];
}

async function echo(request: EmulatorRequest, state: EmulatorState): Promise<RouteResponse> {
  const caller = await authenticate(request, state);
  if (!caller) {
    return json(401, UNAUTHENTICATED, {
      'www-authenticate': 'Bearer realm="emulator", error="invalid_token"',
    });
  }
  const header = (name: string): string | null => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : null;
  };
  return json(200, {
    ok: true,
    method: request.method,
    path: request.path,
    query: queryObject(request.query),
    principal: caller.principal,
    scopes: caller.scopes,
    quotaProject: header('x-goog-user-project'),
    userAgent: header('user-agent'),
    body: request.body === '' ? null : request.body,
    kind: 'drive#fileList',
    files: [],
  });
}

async function authenticate(
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<Caller | undefined> {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) return undefined;
  const issued = state.activeAccessToken(token);
  if (issued) return { principal: issued.principal, scopes: issued.scopes };
  try {
    const { account, claims } = await verifyServiceAccountJwt(state, token, true);
    const scopes = scopeClaim(claims);
    // A self-signed JWT names either the API (its root URL) or the scopes it wants.
    const forThisApi = claims.aud === `${state.url}/` || claims.aud === state.url;
    if (claims.sub === account.email && (forThisApi || scopes.length > 0)) {
      return { principal: account.email, scopes };
    }
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
  }
  return undefined;
}

/** Query parameters as an object; a repeated name maps to the list of its values. */
function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    result[name] = values.length === 1 ? values[0] : values;
  }
  return result;
}
