/**
 * The IAM Service Account Credentials API at `/v1/projects/-/serviceAccounts/{email}:{method}`
 * (routes `generateAccessToken`, `generateIdToken`, `signBlob`, `signJwt`). Like Google's, it
 * checks the caller's bearer token and that each link of the chain caller → delegates → target
 * holds Token Creator on the next (grant it with `emulator.grantTokenCreator`), and answers a
 * missing link with 403 naming the permission. Point `iamEndpoint` at `emulator.url`.
 */
import { sign } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { authenticateCaller } from '../callers.js';
import type { EmulatorModule } from '../context.js';
import { apiErrorBody } from '../google-errors.js';
import { serviceAccountIdToken } from '../id-tokens.js';
import { json, jsonObjectBody, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState, ServiceAccountRecord } from '../state.js';

export const IAM_CREDENTIALS_PREFIX = '/v1/projects/-/serviceAccounts/';

const MAX_LIFETIME_SEC = 43_200;

type Method = 'generateAccessToken' | 'generateIdToken' | 'signBlob' | 'signJwt';

const PERMISSIONS: Record<Method, string> = {
  generateAccessToken: 'iam.serviceAccounts.getAccessToken',
  generateIdToken: 'iam.serviceAccounts.getOpenIdToken',
  signBlob: 'iam.serviceAccounts.signBlob',
  signJwt: 'iam.serviceAccounts.signJwt',
};

/** A request IAM refuses: answered with a google.rpc error. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly permission?: string,
  ) {
    super(message);
  }
}

type Handler = (
  body: Record<string, unknown>,
  account: ServiceAccountRecord,
  state: EmulatorState,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

const HANDLERS: Record<Method, Handler> = {
  generateAccessToken: (body, account, state) => {
    const scopes = body.scope;
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isNonEmptyString)) {
      throw new Refusal(
        400,
        'Request contains an invalid argument: scope must be a non-empty list.',
      );
    }
    const lifetimeSec = parseLifetime(body.lifetime);
    const token = state.issueAccessToken(
      { principal: account.email, scopes, clientId: account.clientId },
      lifetimeSec,
    );
    return {
      accessToken: token.token,
      expireTime: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  },
  generateIdToken: async (body, account, state) => {
    if (!isNonEmptyString(body.audience)) {
      throw new Refusal(400, 'Request contains an invalid argument: audience is required.');
    }
    const includeEmail = body.includeEmail === true;
    return { token: await serviceAccountIdToken(state, account, body.audience, includeEmail) };
  },
  signBlob: (body, account) => {
    if (typeof body.payload !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(body.payload)) {
      throw new Refusal(400, 'Request contains an invalid argument: payload must be base64.');
    }
    const data = Buffer.from(body.payload, 'base64');
    const signature =
      account.algorithm === 'RS256'
        ? sign('sha256', data, account.privateKey)
        : sign('sha256', data, { key: account.privateKey, dsaEncoding: 'ieee-p1363' });
    return { keyId: account.privateKeyId, signedBlob: signature.toString('base64') };
  },
  signJwt: async (body, account) => {
    let claims: unknown;
    try {
      claims = typeof body.payload === 'string' ? JSON.parse(body.payload) : undefined;
    } catch {
      claims = undefined;
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
      throw new Refusal(
        400,
        'Request contains an invalid argument: payload must be a JSON object.',
      );
    }
    const signedJwt = await new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: account.algorithm, kid: account.privateKeyId, typ: 'JWT' })
      .sign(account.privateKey);
    return { keyId: account.privateKeyId, signedJwt };
  },
};

export const iamCredentialsApi: EmulatorModule = ({ router }) => {
  for (const method of Object.keys(HANDLERS) as Method[]) {
    router.add({
      name: method,
      methods: ['POST'],
      prefixes: [IAM_CREDENTIALS_PREFIX],
      suffixes: [`:${method}`],
      handle: (request, state) => serve(method, request, state),
    });
  }
};

async function serve(
  method: Method,
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<RouteResponse> {
  try {
    const caller = await authenticateCaller(request, state);
    if (!caller) {
      throw new Refusal(401, 'Request had invalid authentication credentials.');
    }
    const target = decodeName(
      request.path.slice(IAM_CREDENTIALS_PREFIX.length, -(method.length + 1)),
    );
    const body = parseBody(request.body);
    const chain = [caller.principal, ...parseDelegates(body.delegates), target];
    for (let i = 0; i + 1 < chain.length; i++) {
      if (!state.canActAs(chain[i], chain[i + 1]) || !state.serviceAccounts.has(chain[i + 1])) {
        const permission = PERMISSIONS[i + 2 === chain.length ? method : 'generateAccessToken'];
        throw new Refusal(
          403,
          `Permission '${permission}' denied on resource (or it may not exist).`,
          permission,
        );
      }
    }
    const account = state.serviceAccounts.get(target) as ServiceAccountRecord;
    return json(200, await HANDLERS[method](body, account, state));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return json(error.status, refusalBody(error));
  }
}

function refusalBody(refusal: Refusal): Record<string, unknown> {
  const body = apiErrorBody(refusal.status, refusal.message);
  if (refusal.permission === undefined) return body;
  return {
    error: {
      ...body.error,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'IAM_PERMISSION_DENIED',
          domain: 'iam.googleapis.com',
          metadata: { permission: refusal.permission },
        },
      ],
    },
  };
}

function parseBody(text: string): Record<string, unknown> {
  const body = jsonObjectBody(text);
  if (!body) throw new Refusal(400, 'Invalid JSON payload received.');
  return body;
}

/** `projects/-/serviceAccounts/EMAIL` names → emails. */
function parseDelegates(delegates: unknown): string[] {
  if (delegates === undefined) return [];
  const prefix = 'projects/-/serviceAccounts/';
  if (
    !Array.isArray(delegates) ||
    !delegates.every((name) => isNonEmptyString(name) && name.startsWith(prefix))
  ) {
    throw new Refusal(
      400,
      'Request contains an invalid argument: delegates must be projects/-/serviceAccounts/EMAIL names.',
    );
  }
  return delegates.map((name: string) => decodeName(name.slice(prefix.length)));
}

function decodeName(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Refusal(400, 'Request contains an invalid argument: malformed service account name.');
  }
}

/** `"3600s"` → 3600; IAM's default is one hour and its ceiling twelve. */
function parseLifetime(lifetime: unknown): number {
  if (lifetime === undefined) return 3600;
  const match = typeof lifetime === 'string' ? /^(\d{1,6})s$/.exec(lifetime) : null;
  const seconds = match ? Number(match[1]) : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_LIFETIME_SEC)) {
    throw new Refusal(
      400,
      `Request contains an invalid argument: lifetime must be between 1s and ${MAX_LIFETIME_SEC}s.`,
    );
  }
  return seconds;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
