// A real, independent OpenID provider for interop tests: panva's oidc-provider, in-process on
// 127.0.0.1 with an ephemeral port, with its development login/consent pages, which
// TestBrowser drives with plain HTTP.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  parseForms,
  parseLinks,
  TestBrowser,
  type BrowserResponse,
} from './oidc-provider-browser.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Client ids registered with the provider, one per client authentication method. */
export const CLIENTS = {
  basic: 'web-basic',
  post: 'web-post',
  privateKeyJwt: 'web-private-key-jwt',
  secretJwt: 'web-secret-jwt',
  public: 'web-public',
  service: 'service',
  device: 'device',
  deviceConfidential: 'device-confidential',
} as const;

/** The secret of every confidential client (oidc-provider wants 32+ characters for HS256). */
export const CLIENT_SECRET = 'test-client-secret-0123456789-abcdefghij';

export interface OidcTestProvider {
  issuer: string;
  /** Every request the provider received, in order. */
  requests: { method: string; path: string; authorization?: string }[];
  /** The private key the private_key_jwt client signs with; its public half is registered. */
  clientKey: KeyObject;
  clientKeyId: string;
  redirectUri: string;
  /** Logs `account` in and consents, from an authorization URL to the redirect back. */
  login(authorizationUrl: string, options?: LoginOptions): Promise<string>;
  /** Enters `userCode` on the device page, logs `account` in and approves (or denies). */
  approveDevice(
    verificationUri: string,
    userCode: string,
    options?: { account?: string; deny?: boolean },
  ): Promise<void>;
  close(): Promise<void>;
}

export interface LoginOptions {
  account?: string;
  /** Cancel at the login page instead (the provider answers access_denied). */
  deny?: boolean;
  browser?: TestBrowser;
}

/** oidc-provider's notices are for operators of real deployments; tests keep them out of the output. */
function quietOidcProviderNotices(): () => void {
  const { info, warn } = console;
  const quiet =
    (original: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
      original(...args);
    };
  console.info = quiet(info);
  console.warn = quiet(warn);
  return () => {
    console.info = info;
    console.warn = warn;
  };
}

export async function startOidcProvider(
  options: { redirectUris?: string[]; accessTokenTtlSec?: number } = {},
): Promise<OidcTestProvider> {
  const restoreConsole = quietOidcProviderNotices();
  const { Provider } = await import('oidc-provider');
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${issuer.replace(/:\d+$/, ':1')}/callback`;
  const redirectUris = [redirectUri, ...(options.redirectUris ?? [])];

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const clientKeyPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const clientKeyId = 'client-key-1';
  const web = (client_id: string, method: string, extra: Record<string, unknown> = {}) => ({
    client_id,
    client_secret: CLIENT_SECRET,
    token_endpoint_auth_method: method,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...extra,
  });

  const provider = new Provider(issuer, {
    clients: [
      web(CLIENTS.basic, 'client_secret_basic'),
      web(CLIENTS.post, 'client_secret_post'),
      web(CLIENTS.secretJwt, 'client_secret_jwt'),
      web(CLIENTS.privateKeyJwt, 'private_key_jwt', {
        client_secret: undefined,
        jwks: {
          keys: [
            { ...clientKeyPair.publicKey.export({ format: 'jwk' }), kid: clientKeyId, use: 'sig' },
          ],
        },
      }),
      web(CLIENTS.public, 'none', { client_secret: undefined }),
      {
        client_id: CLIENTS.service,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'api:read api:write',
      },
      {
        client_id: CLIENTS.device,
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: CLIENTS.deviceConfidential,
        client_secret: CLIENT_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: {
      keys: [
        { ...signingKey.export({ format: 'jwk' }), kid: 'op-key-1', use: 'sig', alg: 'RS256' },
      ],
    },
    cookies: { keys: ['oidc-provider-test-cookie-key-0123456789'] },
    scopes: ['openid', 'offline_access', 'email', 'api:read', 'api:write'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.test`, email_verified: true }),
    }),
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true, allowedPolicy: async () => true },
    },
    // Refresh tokens for code and device grants whenever the client may use them (the default
    // also needs offline_access, which the tests request too, with prompt=consent).
    issueRefreshToken: async (
      _ctx: unknown,
      client: { grantTypeAllowed(grant: string): boolean },
    ) => client.grantTypeAllowed('refresh_token'),
    // PKCE for every client, so a login that succeeds proves the client sent it.
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'text';
      ctx.body = `${out.error}: ${out.error_description ?? ''}`;
    },
    ttl: {
      AccessToken: options.accessTokenTtlSec ?? 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      DeviceCode: 600,
      Grant: 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 86_400,
      Session: 3600,
    },
  });
  const requests: OidcTestProvider['requests'] = [];
  server.on('request', (req) => {
    requests.push({
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', issuer).pathname,
      authorization: req.headers.authorization,
    });
  });
  server.on('request', provider.callback());

  const isRedirectUri = (url: string) => redirectUris.some((uri) => url.startsWith(`${uri}?`));

  /** Goes through the login and consent pages, as long as the provider shows one. */
  async function interact(
    browser: TestBrowser,
    page: BrowserResponse,
    account: string,
    deny: boolean,
  ) {
    let current = page;
    for (;;) {
      if (current.location !== undefined) return current;
      const [form] = parseForms(current.body);
      const prompt = form?.fields.prompt;
      if (prompt !== 'login' && prompt !== 'consent') return current;
      if (deny) {
        const cancel = parseLinks(current.body).find((href) => href.includes('/abort'));
        if (!cancel) throw new Error(`no cancel link on ${current.url}`);
        return browser.navigate(new URL(cancel, current.url).toString(), {}, isRedirectUri);
      }
      const changes: Record<string, string> =
        prompt === 'login' ? { login: account, password: 'any' } : {};
      current = await browser.submit(current.url, form, changes, isRedirectUri);
    }
  }

  return {
    issuer,
    requests,
    clientKey: clientKeyPair.privateKey,
    clientKeyId,
    redirectUri,
    async login(
      authorizationUrl,
      { account = 'alice', deny = false, browser = new TestBrowser() } = {},
    ) {
      const page = await browser.navigate(authorizationUrl, {}, isRedirectUri);
      const done = await interact(browser, page, account, deny);
      if (!done.location) {
        throw new Error(
          `login did not come back to the client (HTTP ${done.status}): ${done.body.slice(0, 300)}`,
        );
      }
      return done.location;
    },
    async approveDevice(verificationUri, userCode, { account = 'alice', deny = false } = {}) {
      const browser = new TestBrowser();
      const entry = await browser.navigate(verificationUri);
      const [inputForm] = parseForms(entry.body);
      const confirmPage = await browser.submit(entry.url, inputForm, { user_code: userCode });
      const [confirmForm] = parseForms(confirmPage.body);
      if (!confirmForm) throw new Error(`no confirm form: ${confirmPage.body.slice(0, 300)}`);
      const afterConfirm = await browser.submit(
        confirmPage.url,
        confirmForm,
        deny ? { abort: 'yes', confirm: undefined } : {},
      );
      if (deny) return;
      const done = await interact(browser, afterConfirm, account, false);
      if (!/success/i.test(done.body)) {
        throw new Error(
          `device approval did not succeed (HTTP ${done.status}): ${done.body.slice(0, 300)}`,
        );
      }
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      restoreConsole();
    },
  };
}
