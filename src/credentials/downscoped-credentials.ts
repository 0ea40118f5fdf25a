import { InvalidOptionsError } from '../errors.js';
import { exchangeToken, TOKEN_TYPES } from '../oauth/token-exchange.js';
import { stsTokenUrl } from '../oauth/sts.js';
import { universeOfSource } from './source-universe.js';
import { Credentials, type CredentialsOptions, type TokenResult } from './credentials.js';

/** STS accepts at most ten rules in one boundary. */
export const MAX_ACCESS_BOUNDARY_RULES = 10;

/** One rule: which resource the token may reach, with which roles, under which condition. */
export interface AccessBoundaryRule {
  /** A full resource name, e.g. `//storage.googleapis.com/projects/_/buckets/my-bucket`. */
  availableResource: string;
  /** Roles as `inRole:roles/storage.objectViewer`. */
  availablePermissions: readonly string[];
  /** A CEL condition narrowing the rule, e.g. to an object-name prefix. */
  availabilityCondition?: { expression: string; title?: string; description?: string };
}

/** A credential access boundary: the most a downscoped token may do. */
export interface CredentialAccessBoundary {
  accessBoundaryRules: readonly AccessBoundaryRule[];
}

/** Options for {@link DownscopedCredentials}. */
export interface DownscopedCredentialsOptions extends CredentialsOptions {
  /** Credentials whose tokens are downscoped (their principal must hold the roles). */
  sourceCredentials: Credentials;
  credentialAccessBoundary: CredentialAccessBoundary;
  /** STS token endpoint. Default `https://sts.{universeDomain}/v1/token`. */
  tokenUrl?: string;
}

/**
 * Credentials whose tokens can do no more than a credential access boundary allows: the source's
 * token is exchanged at STS for one restricted to some Cloud Storage buckets, roles and
 * conditions, to hand to a less trusted party. The boundary is checked here before any request.
 *
 * @example
 * ```ts
 * const downscoped = new DownscopedCredentials({
 *   sourceCredentials: (await defaultCredentials()).credentials,
 *   credentialAccessBoundary: {
 *     accessBoundaryRules: [{
 *       availableResource: '//storage.googleapis.com/projects/_/buckets/reports',
 *       availablePermissions: ['inRole:roles/storage.objectViewer'],
 *       availabilityCondition: {
 *         expression: "resource.name.startsWith('projects/_/buckets/reports/objects/2026/')",
 *       },
 *     }],
 *   },
 * });
 * const token = await downscoped.getAccessToken();
 * ```
 */
export class DownscopedCredentials extends Credentials<DownscopedCredentialsOptions> {
  readonly type = 'downscoped';

  constructor(options: DownscopedCredentialsOptions) {
    checkBoundary(options.credentialAccessBoundary);
    super(options);
  }

  /** The STS endpoint that downscopes: the option, else the universe's. */
  async getTokenUrl(): Promise<string> {
    // The universe is checked even when the URL is given: the source's token goes there.
    const universe = await this.getUniverseDomain();
    return this.options.tokenUrl ?? stsTokenUrl(universe);
  }

  /**
   * The source credentials' universe, where their token belongs; a different `universeDomain`
   * option is ERR_INVALID_OPTIONS.
   */
  override getUniverseDomain(): Promise<string> {
    return universeOfSource(
      this.options.universeDomain,
      this.options.sourceCredentials,
      'DownscopedCredentials',
    );
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const source = this.options.sourceCredentials;
    const tokenUrl = await this.getTokenUrl();
    const subjectToken = await source.getAccessToken();
    const fetchedAt = this.now();
    const response = await exchangeToken(
      {
        tokenUrl,
        subjectToken,
        subjectTokenType: TOKEN_TYPES.accessToken,
        options: { accessBoundary: this.options.credentialAccessBoundary },
      },
      this.options.http,
    );
    return {
      accessToken: response.accessToken,
      // STS may leave out the lifetime: the downscoped token then lives as long as its source.
      expiresAt:
        response.expiresIn === undefined
          ? source.expiresAt?.getTime()
          : fetchedAt + response.expiresIn * 1000,
    };
  }
}

/** The boundary STS would refuse, refused here first with the rule named. */
function checkBoundary(boundary: CredentialAccessBoundary | undefined): void {
  const rules = boundary?.accessBoundaryRules;
  if (!Array.isArray(rules) || rules.length === 0 || rules.length > MAX_ACCESS_BOUNDARY_RULES) {
    throw new InvalidOptionsError(
      `credentialAccessBoundary.accessBoundaryRules must hold 1 to ${MAX_ACCESS_BOUNDARY_RULES} rules, got ${Array.isArray(rules) ? rules.length : 'none'} (merge rules or split the token)`,
    );
  }
  rules.forEach((rule: AccessBoundaryRule, index) => {
    const name = `access boundary rule ${index + 1} (accessBoundaryRules[${index}])`;
    if (typeof rule?.availableResource !== 'string' || rule.availableResource === '') {
      throw new InvalidOptionsError(
        `${name}: availableResource must be a resource name such as //storage.googleapis.com/projects/_/buckets/NAME`,
      );
    }
    const permissions = rule.availablePermissions;
    if (!Array.isArray(permissions) || permissions.length === 0) {
      throw new InvalidOptionsError(
        `${name}: availablePermissions must list at least one role, e.g. inRole:roles/storage.objectViewer`,
      );
    }
    const bad = permissions.findIndex((p) => typeof p !== 'string' || !/^inRole:\S+$/.test(p));
    if (bad >= 0) {
      throw new InvalidOptionsError(
        `${name}: availablePermissions[${bad}] must be a role with the inRole: prefix, e.g. inRole:roles/storage.objectViewer`,
      );
    }
    const condition = rule.availabilityCondition;
    if (
      condition !== undefined &&
      (typeof condition?.expression !== 'string' || condition.expression === '')
    ) {
      throw new InvalidOptionsError(
        `${name}: availabilityCondition.expression must be a non-empty CEL expression`,
      );
    }
  });
}
