/**
 * `warrant/oauth1`: OAuth 1.0a (RFC 5849) for the providers that still speak it: the three-legged
 * client and the signing steps, for servers and tests that check signatures themselves.
 */
// A Node-only entry: its declarations see the real Node types behind platform/node-types.ts.
export type {} from './platform/node-types-on-node.js';
export { OAuth1Client, type OAuth1ClientOptions } from './oauth/oauth1/client.js';
export {
  signOAuth1Request,
  type OAuth1RequestToSign,
  type OAuth1SignatureType,
  type OAuth1SignedRequest,
  type OAuth1SigningParams,
} from './oauth/oauth1/sign-request.js';
export {
  baseStringUri,
  normalizeParameters,
  signatureBaseString,
  signBaseString,
  type OAuth1SignatureMethod,
  type OAuth1SigningKeys,
} from './oauth/oauth1/signature.js';
export type { OAuth1TokenCredentials } from './oauth/oauth1/token-response.js';
