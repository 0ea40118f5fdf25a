/* eslint-disable @typescript-eslint/consistent-type-imports -- a global declarations file cannot import, so it names types with import() */
// The names doc examples may leave free: values a reader already has at that point of the page.
// Every ```ts block of README.md and docs/*.md and every TSDoc @example is compiled with these in
// scope (scripts/check-doc-examples.mjs); a block's own declarations shadow them. Add a name here
// only when it stands for something the reader's program has made, never for a warrant name: a
// Markdown example imports what it uses from warrant, and a TSDoc example is given those imports.

// Credentials and clients made earlier on the page.
declare const credentials: import('warrant').Credentials;
declare const sourceCredentials: import('warrant').Credentials;
declare const user: import('warrant').UserCredentials;
declare const serviceAccount: import('warrant').ServiceAccountCredentials;
declare const deployer: import('warrant').ImpersonatedCredentials;
declare const federated: import('warrant').ExternalAccountCredentials;
/** The scopes the program asks for. */
declare const scopes: string[];
/** A parsed service account JSON key. */
declare const key: import('warrant/testing').ServiceAccountKeyJson;
declare const client: import('warrant').AuthorizedClient;
declare const flow: import('warrant').InstalledAppFlow;
declare const deviceFlow: import('warrant').DeviceFlow;
declare const emulator: import('warrant/testing').Emulator;

// An OAuth client registered with a provider, and a provider with its tokens.
declare const clientId: string;
declare const clientSecret: string;
declare const redirectUri: string;
declare const provider: import('warrant').OAuthProvider;
declare const corp: import('warrant').OAuthProvider;
declare const tokens: import('warrant').OAuthTokens;
declare const refreshToken: string;
declare const store: import('warrant').TokenStore;

// Values from the request being served.
declare const idToken: string;
declare const audience: string;
declare const userId: string;
declare const email: string;
/** The URL the browser arrived at on a callback. */
declare const callbackUrl: string;
/** The login state kept server-side at the start of a login (authorizationRedirect()). */
declare const saved: import('warrant').AuthorizationRedirect;
/** The 32-byte (or longer) secret of the login cookie. */
declare const secret: string;
declare const req: import('express').Request;
declare const res: import('express').Response;
declare const app: import('express').Express;
/** A web framework's server-side session. */
declare const session: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The reader's own code and the other libraries it uses.
/** A CA certificate (PEM) the program trusts, and a fetch of its own (tracing, a test double). */
declare const myCa: string;
declare const myFetch: typeof fetch;
/** The CI provider's SDK, which hands out OIDC tokens. */
declare const myCi: { idToken(audience: string): Promise<string> };
/** The AWS SDK's default provider chain (@aws-sdk/credential-providers). */
declare function fromNodeProviderChain(): () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}>;
declare function save(json: unknown): void;
/** Starts the app's own session for a user who logged in. */
declare function startSession(res: import('node:http').ServerResponse, user: unknown): void;
declare function redirectTo(url: string): void;
declare const logger: { warn(fields: object, message: string): void };
declare const db: {
  saveTokens(userId: string, tokens: import('warrant').OAuthTokens): Promise<void>;
};
