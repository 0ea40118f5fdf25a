/**
 * A protected API that reports who called it: `/echo`, `/echo/...`, any path under `/api/` (a
 * catch-all for an app pointed at the emulator) and `/drive/v3/...` (so a generated Drive client
 * pointed at the emulator gets a parsable file list). It accepts the
 * emulator's access tokens and self-signed service-account JWTs, as Google APIs do.
 */
import type { EmulatorModule } from '../context.js';
import { authenticateCaller } from '../callers.js';
import { apiErrorBody } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
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

async function echo(request: EmulatorRequest, state: EmulatorState): Promise<RouteResponse> {
  const caller = await authenticateCaller(request, state);
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

/** Query parameters as an object; a repeated name maps to the list of its values. */
function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    result[name] = values.length === 1 ? values[0] : values;
  }
  return result;
}
