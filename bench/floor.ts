/**
 * The floors: the least work a library could do for a metric, written with node:crypto and
 * node:http (keep-alive) only, with keys parsed before timing. A floor is a lower bound: a
 * library is compared with its floor as well as with its rival.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { Agent, request } from 'node:http';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** A service-account key parsed once, as a floor may. */
export interface ParsedKey {
  email: string;
  kid: string;
  key: KeyObject;
}

export function parseKey(json: {
  client_email: string;
  private_key_id: string;
  private_key: string;
}): ParsedKey {
  return {
    email: json.client_email,
    kid: json.private_key_id,
    key: createPrivateKey(json.private_key),
  };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An RS256 JWT-bearer assertion with the claims Google's token endpoint expects. */
export function signAssertion(
  key: ParsedKey,
  tokenUrl: string,
  extra: Record<string, string>,
): string {
  const iat = Math.floor(Date.now() / 1000);
  const input = `${base64url({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${base64url({
    iss: key.email,
    aud: tokenUrl,
    iat,
    exp: iat + 3600,
    ...extra,
  })}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.key).toString('base64url')}`;
}

/** One keep-alive pool for every floor request: the cheapest way Node can send them. */
const floorAgent = new Agent({ keepAlive: true });

/**
 * One form POST over node:http with a kept-alive socket, its JSON answer; throws on a non-2xx
 * status. No retries, no timeout, no header object: a lower bound for any client.
 */
export function postForm(
  url: string,
  form: Record<string, string>,
): Promise<Record<string, unknown>> {
  return post(url, 'application/x-www-form-urlencoded', new URLSearchParams(form).toString());
}

/** The same lower bound for a JSON POST (IAM Credentials), with extra headers. */
export function postJson(
  url: string,
  json: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  return post(url, 'application/json', JSON.stringify(json), headers);
}

function post(
  url: string,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: floorAgent,
        headers: {
          ...headers,
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const json = JSON.parse(text) as Record<string, unknown>;
          if ((response.statusCode ?? 0) >= 300) {
            reject(new Error(`${url} answered ${response.statusCode}: ${String(json.error)}`));
          } else resolve(json);
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The floor of a service-account token mint: one signature and one POST. */
export async function mintAccessToken(
  key: ParsedKey,
  tokenUrl: string,
  scope: string,
): Promise<string> {
  const assertion = signAssertion(key, tokenUrl, { scope });
  const body = await postForm(tokenUrl, { grant_type: JWT_BEARER, assertion });
  return body.access_token as string;
}

/** An ID token for `audience` from the JWT-bearer grant with `target_audience`. */
export async function mintIdToken(
  key: ParsedKey,
  tokenUrl: string,
  audience: string,
): Promise<string> {
  const assertion = signAssertion(key, tokenUrl, { target_audience: audience });
  const body = await postForm(tokenUrl, { grant_type: JWT_BEARER, assertion });
  return body.id_token as string;
}
