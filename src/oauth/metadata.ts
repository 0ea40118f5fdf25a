/**
 * What a client knows about an authorization server: its issuer and endpoints, in camelCase.
 * The snake_case of a discovery document (OpenID Connect Discovery 1.0, RFC 8414) is read here
 * and nowhere else.
 */

/** An authorization server's endpoints and capabilities. Every field is optional. */
export interface ProviderMetadata {
  /** The issuer identifier: the exact `iss` of its ID tokens. */
  issuer?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  userinfoUrl?: string;
  jwksUri?: string;
  /** RFC 7009 token revocation. */
  revocationUrl?: string;
  /** RFC 7662 token introspection. */
  introspectionUrl?: string;
  /** RFC 8628 device authorization. */
  deviceAuthorizationUrl?: string;
  /** Algorithms the server signs ID tokens with. */
  idTokenSigningAlgValuesSupported?: string[];
  /** RFC 9207: the server puts `iss` on every authorization response, so one without is refused. */
  authorizationResponseIssParameterSupported?: boolean;
}

/** The endpoint fields of {@link ProviderMetadata}, paired with their discovery names. */
export const ENDPOINT_FIELDS = {
  authorizationUrl: 'authorization_endpoint',
  tokenUrl: 'token_endpoint',
  userinfoUrl: 'userinfo_endpoint',
  jwksUri: 'jwks_uri',
  revocationUrl: 'revocation_endpoint',
  introspectionUrl: 'introspection_endpoint',
  deviceAuthorizationUrl: 'device_authorization_endpoint',
} as const;

export type ProviderEndpoint = keyof typeof ENDPOINT_FIELDS;

/** Reads a discovery document into {@link ProviderMetadata}; fields of the wrong type are dropped. */
export function metadataFromDiscovery(json: Record<string, unknown>): ProviderMetadata {
  const metadata: ProviderMetadata = {};
  if (typeof json.issuer === 'string') metadata.issuer = json.issuer;
  for (const [field, name] of Object.entries(ENDPOINT_FIELDS)) {
    const value = json[name];
    if (typeof value === 'string' && value !== '') metadata[field as ProviderEndpoint] = value;
  }
  const algs = json.id_token_signing_alg_values_supported;
  if (Array.isArray(algs) && algs.every((alg) => typeof alg === 'string')) {
    metadata.idTokenSigningAlgValuesSupported = algs;
  }
  if (json.authorization_response_iss_parameter_supported === true) {
    metadata.authorizationResponseIssParameterSupported = true;
  }
  return metadata;
}
