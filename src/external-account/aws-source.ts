/**
 * The AWS subject token: a SigV4-signed STS GetCallerIdentity request, serialized the way Google's
 * STS expects, which it replays to AWS to learn the caller's role. Region and credentials come
 * from the environment, the EC2 metadata service (IMDSv2 when configured), or a program's supplier.
 */
import { SubjectTokenError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import { describeUrl } from '../http/send.js';
import type { HttpOptions, HttpRequest } from '../http/types.js';
import type { Environment } from '../metadata/environment.js';
import { signAwsRequest, type AwsSecurityCredentials } from './aws-sigv4.js';
import type { SubjectTokenContext, SubjectTokenSupplier } from './subject-token.js';

export const DEFAULT_AWS_VERIFICATION_URL =
  'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15';

/**
 * Supplies AWS region and credentials from wherever a program has them (an SDK credential chain,
 * a vault).
 *
 * @example
 * ```ts
 * const supplier: AwsSecurityCredentialsSupplier = {
 *   getAwsRegion: async () => 'us-east-1',
 *   getAwsSecurityCredentials: async () => fromNodeProviderChain()(),
 * };
 * ```
 */
export interface AwsSecurityCredentialsSupplier {
  getAwsRegion(context: SubjectTokenContext): Promise<string>;
  getAwsSecurityCredentials(context: SubjectTokenContext): Promise<AwsSecurityCredentials>;
}

/** The metadata endpoints of an `aws1` credential source. */
export interface AwsMetadataOptions {
  regionUrl?: string;
  /** The role credentials endpoint, `.../meta-data/iam/security-credentials`. */
  credentialsUrl?: string;
  /** IMDSv2: where to PUT for a session token; absent means IMDSv1. */
  imdsv2SessionTokenUrl?: string;
  env?: Environment;
  http?: HttpOptions;
}

const SESSION_TTL_SECONDS = '300';
/** A session is reused for four of its five minutes. */
const SESSION_REUSE_MS = 240_000;
const MAX_METADATA_BYTES = 64 * 1024;

/** Region and credentials from the environment, else from the EC2 metadata service. */
export class AwsMetadataSupplier implements AwsSecurityCredentialsSupplier {
  readonly #options: AwsMetadataOptions;
  #session?: { headers: Promise<Record<string, string>>; reuseUntil: number };

  constructor(options: AwsMetadataOptions) {
    this.#options = options;
  }

  async getAwsRegion(): Promise<string> {
    const env = this.#options.env ?? process.env;
    const fromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (fromEnv) return fromEnv;
    const url = this.#require(this.#options.regionUrl, 'region_url', 'AWS_REGION');
    const zone = await this.#get(url, 'AWS availability zone', await this.#sessionHeaders());
    // The metadata answers an availability zone, e.g. us-east-1b; the region drops the letter.
    if (!/^[a-z0-9-]{2,40}[a-z]$/.test(zone)) {
      throw new SubjectTokenError(
        `AWS metadata ${describeUrl(url)} answered an availability zone that is not one (check credential_source.region_url)`,
        describeUrl(url),
      );
    }
    return zone.slice(0, -1);
  }

  async getAwsSecurityCredentials(): Promise<AwsSecurityCredentials> {
    const env = this.#options.env ?? process.env;
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      return {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN || undefined,
      };
    }
    const url = this.#require(
      this.#options.credentialsUrl,
      'url',
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
    const headers = await this.#sessionHeaders();
    const role = await this.#get(url, 'AWS role name', headers);
    if (!/^[\w+=,.@-]{1,128}$/.test(role)) {
      throw new SubjectTokenError(
        `AWS metadata ${describeUrl(url)} answered a role name that is not one (attach an IAM role to the instance)`,
        describeUrl(url),
      );
    }
    const roleUrl = `${url.replace(/\/$/, '')}/${role}`;
    const text = await this.#get(roleUrl, 'AWS role credentials', headers);
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const { AccessKeyId, SecretAccessKey, Token } = json ?? {};
    if (
      typeof AccessKeyId !== 'string' ||
      typeof SecretAccessKey !== 'string' ||
      !AccessKeyId ||
      !SecretAccessKey
    ) {
      throw new SubjectTokenError(
        `AWS metadata ${describeUrl(roleUrl)} answered without AccessKeyId and SecretAccessKey (check the instance's IAM role)`,
        describeUrl(roleUrl),
      );
    }
    return {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      sessionToken: typeof Token === 'string' && Token !== '' ? Token : undefined,
    };
  }

  #require(url: string | undefined, field: string, envVars: string): string {
    if (url) return url;
    throw new SubjectTokenError(
      `credential_source.${field} is missing and ${envVars} is not set (set one of them)`,
      `credential_source.${field}`,
    );
  }

  /**
   * IMDSv2's session header, or none for IMDSv1. One session serves the region and credential
   * requests of a refresh, and later ones until shortly before its TTL ends.
   */
  #sessionHeaders(): Promise<Record<string, string>> {
    const now = Date.now();
    if (!this.#session || now >= this.#session.reuseUntil) {
      const headers = this.#newSession();
      this.#session = { headers, reuseUntil: now + SESSION_REUSE_MS };
      headers.catch(() => {
        if (this.#session?.headers === headers) this.#session = undefined;
      });
    }
    return this.#session.headers;
  }

  async #newSession(): Promise<Record<string, string>> {
    const url = this.#options.imdsv2SessionTokenUrl;
    if (!url) return {};
    const request: HttpRequest = {
      url,
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': SESSION_TTL_SECONDS },
    };
    const token = await exchange(
      request,
      (response) => {
        if (
          response.status !== 200 ||
          response.body === '' ||
          response.body.length > MAX_METADATA_BYTES
        ) {
          throw new SubjectTokenError(
            `AWS IMDSv2 at ${describeUrl(url)} refused a session token (HTTP ${response.status}); check the instance's metadata options (http-tokens, hop limit) or credential_source.imdsv2_session_token_url`,
            describeUrl(url),
          );
        }
        return response.body.trim();
      },
      this.#options.http,
    );
    return { 'x-aws-ec2-metadata-token': token };
  }

  #get(url: string, what: string, headers: Record<string, string>): Promise<string> {
    return exchange(
      { url, method: 'GET', headers },
      (response) => {
        if (response.status !== 200) {
          throw new SubjectTokenError(
            `AWS metadata ${describeUrl(url)} did not answer the ${what} (HTTP ${response.status}); check credential_source or set the AWS environment variables`,
            describeUrl(url),
          );
        }
        if (response.body.length > MAX_METADATA_BYTES) {
          throw new SubjectTokenError(
            `AWS metadata ${describeUrl(url)} answered more than ${MAX_METADATA_BYTES} bytes`,
            describeUrl(url),
          );
        }
        return response.body.trim();
      },
      this.#options.http,
    );
  }
}

/** Serializes a signed GetCallerIdentity request as the subject token. */
export class AwsSubjectTokenSource implements SubjectTokenSupplier {
  constructor(
    readonly supplier: AwsSecurityCredentialsSupplier,
    readonly verificationUrl: string = DEFAULT_AWS_VERIFICATION_URL,
    readonly now: () => number = Date.now,
  ) {}

  async getSubjectToken(context: SubjectTokenContext): Promise<string> {
    const [region, credentials] = await Promise.all([
      this.supplier.getAwsRegion(context),
      this.supplier.getAwsSecurityCredentials(context),
    ]);
    if (!/^[a-z0-9-]{1,40}$/.test(region)) {
      throw new SubjectTokenError(
        `AWS region '${region.slice(0, 40)}' is not a region name (set AWS_REGION, e.g. us-east-1)`,
        'AWS region',
      );
    }
    return awsSubjectToken(
      this.verificationUrl.replace('{region}', region),
      region,
      credentials,
      context.audience,
      new Date(this.now()),
    );
  }
}

/** The signed request, as URL-encoded JSON `{url, method, headers: [{key, value}]}`. */
export function awsSubjectToken(
  url: string,
  region: string,
  credentials: AwsSecurityCredentials,
  audience: string,
  date: Date,
): string {
  const headers = signAwsRequest({
    method: 'POST',
    url,
    headers: { 'x-goog-cloud-target-resource': audience },
    region,
    service: 'sts',
    credentials,
    date,
  });
  const list = Object.keys(headers)
    .sort()
    .map((key) => ({ key: key === 'authorization' ? 'Authorization' : key, value: headers[key] }));
  return encodeURIComponent(JSON.stringify({ url, method: 'POST', headers: list }));
}
