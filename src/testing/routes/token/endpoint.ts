/**
 * `POST /token`: parses the form (RFC 6749 §3.2) and hands it to the handler registered for
 * its `grant_type`.
 */
import type { EmulatorModule } from '../../context.js';
import { OAuthError } from '../../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../../router.js';
import type { EmulatorState } from '../../state.js';
import { TokenParams, type GrantHandler } from './grant.js';

/** Token responses must not be cached (RFC 6749 §5.1). */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export const tokenEndpoint: EmulatorModule = ({ router, grants }) => {
  router.add({
    name: 'token',
    methods: ['POST'],
    paths: ['/token'],
    errorShape: 'oauth',
    handle: (request, state) => handleToken(request, state, grants),
  });
};

async function handleToken(
  request: EmulatorRequest,
  state: EmulatorState,
  grants: ReadonlyMap<string, GrantHandler>,
): Promise<RouteResponse> {
  const params = parseForm(request);
  const grantType = params.get('grant_type') ?? '';
  const grant = grants.get(grantType);
  if (!grant) throw new OAuthError('unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  return json(200, await grant({ params, headers: request.headers }, state), NO_STORE);
}

/** The form of a token-endpoint POST; the wrong content type or a repeated parameter is an error. */
export function parseForm(request: EmulatorRequest): TokenParams {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new OAuthError(
      'invalid_request',
      `Content-Type must be application/x-www-form-urlencoded, got '${type}'.`,
    );
  }
  const form = new URLSearchParams(request.body);
  const names = [...form.keys()];
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    // RFC 6749 §3.2: request parameters must not be included more than once.
    throw new OAuthError('invalid_request', `Parameter ${repeated} is repeated.`);
  }
  return new TokenParams(form);
}
