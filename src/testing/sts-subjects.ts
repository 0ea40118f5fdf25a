/**
 * How the emulated STS checks subject tokens for real: an OIDC JWT against the fake identity
 * provider's keys, an AWS GetCallerIdentity request by recomputing its SigV4 signature, an X.509
 * chain against the mutual-TLS client certificate. Each returns the federated subject.
 */
import { timingSafeEqual, X509Certificate } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { awsSignature } from '../external-account/aws-sigv4.js';
import type { FederationState, PoolProvider } from './federation.js';
import { OAuthError } from './google-errors.js';

/** AWS rejects signatures more than 15 minutes off; so does STS. */
const AWS_CLOCK_SKEW_MS = 15 * 60_000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]{1,40})\/sts\/aws4_request, SignedHeaders=([a-z0-9;-]{1,512}), Signature=([0-9a-f]{64})$/;

function rejected(why: string): OAuthError {
  return new OAuthError('invalid_grant', `The subject token failed verification: ${why}.`);
}

export async function verifyOidcSubject(
  token: string,
  provider: PoolProvider,
  federation: FederationState,
): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(federation.idp.jwks() as never), {
      issuer: federation.idp.issuer,
      audience: [`https:${provider.audience}`, provider.audience],
    });
    if (typeof payload.sub !== 'string') throw new Error('no sub');
    return payload.sub;
  } catch (error) {
    throw rejected(error instanceof Error ? error.message.slice(0, 120) : 'invalid JWT');
  }
}

export function verifyAwsSubject(
  token: string,
  provider: PoolProvider,
  federation: FederationState,
): string {
  let request: { url?: unknown; method?: unknown; headers?: unknown };
  try {
    request = JSON.parse(decodeURIComponent(token)) as typeof request;
  } catch {
    throw rejected('not a URL-encoded JSON request');
  }
  const { url, method } = request;
  if (typeof url !== 'string' || method !== 'POST' || !Array.isArray(request.headers)) {
    throw rejected('the request needs url, method POST and headers');
  }
  const target = new URL(url);
  if (
    target.protocol !== 'https:' ||
    !/^sts(\.[a-z0-9-]+)?\.amazonaws\.com$/.test(target.hostname) ||
    target.searchParams.get('Action') !== 'GetCallerIdentity'
  ) {
    throw rejected('the request is not an AWS STS GetCallerIdentity call');
  }
  const headers: Record<string, string> = {};
  for (const entry of request.headers as { key?: unknown; value?: unknown }[]) {
    if (typeof entry?.key !== 'string' || typeof entry.value !== 'string') {
      throw rejected('headers must be {key, value} strings');
    }
    headers[entry.key.toLowerCase()] = entry.value;
  }
  if (headers['x-goog-cloud-target-resource'] !== provider.audience) {
    throw rejected('x-goog-cloud-target-resource is not this provider');
  }
  const auth = AUTHORIZATION.exec(headers.authorization ?? '');
  if (!auth) throw rejected('no SigV4 Authorization header');
  const [, accessKeyId, day, region, signedList, signature] = auth;
  const identity = federation.awsIdentities.get(accessKeyId);
  if (!identity) throw rejected('unknown AWS access key');
  const amzDate = headers['x-amz-date'] ?? '';
  const at = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (!(Math.abs(Date.now() - at) <= AWS_CLOCK_SKEW_MS) || !amzDate.startsWith(day)) {
    throw rejected('x-amz-date is missing or too far from now');
  }
  const signed = signedList.split(';');
  for (const name of ['host', 'x-amz-date', 'x-goog-cloud-target-resource']) {
    if (!signed.includes(name)) throw rejected(`${name} is not signed`);
  }
  if (identity.sessionToken !== headers['x-amz-security-token']) {
    throw rejected('the session token does not belong to the access key');
  }
  const covered = Object.fromEntries(signed.map((name) => [name, headers[name] ?? '']));
  const expected = awsSignature({
    method,
    url,
    headers: covered,
    body: '',
    scope: `${day}/${region}/sts/aws4_request`,
    amzDate,
    secretAccessKey: identity.secretAccessKey,
  }).signature;
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw rejected('the SigV4 signature does not match');
  }
  return identity.arn;
}

export function verifyCertificateSubject(token: string, peer: Buffer | undefined): string {
  if (!peer) throw rejected('an X.509 subject token needs a mutual-TLS connection');
  let chain: unknown;
  try {
    chain = JSON.parse(token);
  } catch {
    chain = undefined;
  }
  if (!Array.isArray(chain) || typeof chain[0] !== 'string') {
    throw rejected('not a JSON array of base64 DER certificates');
  }
  if (chain[0] !== peer.toString('base64')) {
    throw rejected('the leaf certificate is not the TLS client certificate');
  }
  return new X509Certificate(peer).subject.replace(/\n/g, ',');
}
