/**
 * The authorization endpoint (`GET /o/oauth2/v2/auth`, and `/o/oauth2/auth`) with a real HTML
 * consent page whose Allow and Deny buttons post to `/o/oauth2/consent`. Tests that play the
 * browser without a page add `emulator_consent=approve|deny|wrong-state` to the authorization
 * URL: the endpoint then redirects at once, as if the user had clicked.
 */
import type { EmulatorModule } from '../context.js';
import type { EmulatorRequest, RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';
import { escapeHtml, htmlPage } from './html.js';

export const AUTHORIZE_PATHS = ['/o/oauth2/v2/auth', '/o/oauth2/auth'] as const;
/**
 * The authorization endpoint the OIDC discovery document names: the same endpoint, but its ID
 * tokens carry the emulator's own URL as `iss`, which a discovering client checks.
 */
export const OIDC_AUTHORIZE_PATH = '/oidc/auth';
export const CONSENT_PATH = '/o/oauth2/consent';

/** What a scripted consent does in place of the page. */
export type ScriptedConsent = 'approve' | 'deny' | 'wrong-state';

/** The consenting user when the page's email field is left alone, as in {@link issueAuthorizationCode}. */
export const DEFAULT_CONSENT_EMAIL = 'user@example.com';

/** RFC 7636 §4.2: 43 to 128 unreserved characters. */
const CHALLENGE_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;

export const authorizationEndpoint: EmulatorModule = ({ router }) => {
  router.add({
    name: 'authorize',
    methods: ['GET'],
    paths: AUTHORIZE_PATHS,
    handle: (request, state) => authorize(request.query, state),
  });
  router.add({
    name: 'oidc-authorize',
    methods: ['GET'],
    paths: [OIDC_AUTHORIZE_PATH],
    handle: (request, state) => {
      request.query.set(OIDC_MARK, '1');
      return authorize(request.query, state);
    },
  });
  router.add({
    name: 'consent',
    methods: ['POST'],
    paths: [CONSENT_PATH],
    handle: consent,
  });
};

/** An authorization request that passed validation. */
interface ValidRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  nonce?: string;
  /** Came through the OIDC discovery's endpoint: ID tokens name the emulator as issuer. */
  oidc: boolean;
}

/** Carries "came through the OIDC endpoint" through the consent page's form. */
const OIDC_MARK = 'emulator_oidc';

/** A request the endpoint refuses: on a page when the redirect URI is not trusted, else by redirect. */
type Refusal = { page: RouteResponse } | { redirect: RouteResponse };

function authorize(query: URLSearchParams, state: EmulatorState): RouteResponse {
  const checked = validate(query, state);
  if ('page' in checked) return checked.page;
  if ('redirect' in checked) return checked.redirect;
  const scripted = query.get('emulator_consent');
  if (scripted === 'approve' || scripted === 'deny' || scripted === 'wrong-state') {
    return decide(checked, scripted, query.get('login_hint') ?? DEFAULT_CONSENT_EMAIL, state);
  }
  return consentPage(checked, query.get('login_hint') ?? DEFAULT_CONSENT_EMAIL);
}

function consent(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const form = new URLSearchParams(request.body);
  const checked = validate(form, state);
  if ('page' in checked) return checked.page;
  if ('redirect' in checked) return checked.redirect;
  const decision = form.get('decision') === 'allow' ? 'approve' : 'deny';
  return decide(checked, decision, form.get('email') || DEFAULT_CONSENT_EMAIL, state);
}

function decide(
  request: ValidRequest,
  decision: ScriptedConsent,
  email: string,
  state: EmulatorState,
): RouteResponse {
  if (decision === 'deny') {
    return redirect(request, { error: 'access_denied', state: request.state });
  }
  const code = state.issueAuthorizationCode({
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    userEmail: email,
    nonce: request.nonce,
    issuer: request.oidc ? state.url : undefined,
  });
  const returnedState =
    decision === 'wrong-state' ? `${request.state ?? ''}-not-the-one-sent` : request.state;
  return redirect(request, { code, state: returnedState, scope: request.scopes.join(' ') });
}

/** Checks the request as Google does: client and redirect URI first, on a page; the rest by redirect. */
function validate(params: URLSearchParams, state: EmulatorState): ValidRequest | Refusal {
  const clientId = params.get('client_id');
  if (!clientId || !state.clients.has(clientId)) {
    return { page: errorPage(401, 'invalid_client', 'The OAuth client was not found.') };
  }
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri || !acceptableRedirect(redirectUri)) {
    return {
      page: errorPage(
        400,
        'redirect_uri_mismatch',
        `The redirect URI in the request, ${redirectUri ?? '(none)'}, is not an absolute http(s) URI without a fragment.`,
      ),
    };
  }
  const stateParam = params.get('state') ?? undefined;
  const refuse = (error: string, description: string): Refusal => ({
    redirect: redirect(
      { redirectUri },
      { error, error_description: description, state: stateParam },
    ),
  });
  if (params.get('response_type') !== 'code') {
    return refuse('unsupported_response_type', 'Only response_type=code is supported.');
  }
  const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
  if (scopes.length === 0) return refuse('invalid_request', 'Missing required parameter: scope');
  const codeChallenge = params.get('code_challenge') || undefined;
  const method = params.get('code_challenge_method') || undefined;
  if (codeChallenge === undefined && method !== undefined) {
    return refuse('invalid_request', 'code_challenge_method without code_challenge.');
  }
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return refuse('invalid_request', `Unsupported code_challenge_method: ${method}`);
  }
  if (codeChallenge !== undefined && !CHALLENGE_SYNTAX.test(codeChallenge)) {
    return refuse('invalid_request', 'Invalid code_challenge.');
  }
  return {
    clientId,
    redirectUri,
    scopes,
    state: stateParam,
    codeChallenge,
    codeChallengeMethod:
      codeChallenge === undefined ? undefined : ((method ?? 'plain') as 'S256' | 'plain'),
    nonce: params.get('nonce') || undefined,
    oidc: params.get(OIDC_MARK) === '1',
  };
}

function acceptableRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '';
  } catch {
    return false;
  }
}

function redirect(
  request: { redirectUri: string },
  params: Record<string, string | undefined>,
): RouteResponse {
  const url = new URL(request.redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' } };
}

function consentPage(request: ValidRequest, email: string): RouteResponse {
  const hidden: Record<string, string | undefined> = {
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    scope: request.scopes.join(' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method:
      request.codeChallenge === undefined ? undefined : request.codeChallengeMethod,
    nonce: request.nonce,
    [OIDC_MARK]: request.oidc ? '1' : undefined,
  };
  const fields = Object.entries(hidden)
    .filter(([, value]) => value !== undefined)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${name}" value="${escapeHtml(value as string)}">`,
    )
    .join('\n');
  const scopes = request.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return htmlPage(
    200,
    'Sign in - Emulated Google Accounts',
    `<h1>Sign in to continue</h1>
<p>The application <code>${escapeHtml(request.clientId)}</code> wants to:</p>
<ul>${scopes}</ul>
<form method="post" action="${CONSENT_PATH}">
${fields}
<p><label>Account <input name="email" type="email" value="${escapeHtml(email)}"></label></p>
<p><button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></p>
</form>`,
  );
}

function errorPage(status: number, error: string, description: string): RouteResponse {
  return htmlPage(
    status,
    `Error ${status}: ${error}`,
    `<h1>Access blocked: authorization error</h1>
<p>Error ${status}: <code>${escapeHtml(error)}</code></p>
<p>${escapeHtml(description)}</p>`,
  );
}
