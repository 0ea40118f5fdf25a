/**
 * The Node and gaxios types that declarations shared by both entries name. The edge entry's
 * declarations (edge.d.ts, protocol.d.ts) must compile with neither @types/node nor gaxios
 * installed, so shared option and result types look those types up here instead of importing
 * them. The Node entry's declarations fill {@link NodeTypes} in (./node-types-on-node.ts): a Node
 * program sees node:crypto's KeyObject, node:http's Agent and gaxios' types exactly as before.
 * Elsewhere a lookup gives its fallback: `never` where only Node can supply the value, so a
 * `string | KeyObject` option is a PEM string there.
 */

/** Filled in by ./node-types-on-node.ts; empty unless the Node entry's declarations are loaded. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
export interface NodeTypes<T = unknown> {}

/** `K` from {@link NodeTypes} when the Node declarations are loaded, `Elsewhere` otherwise. */
type FromNode<K extends string, Elsewhere, T = unknown> = K extends keyof NodeTypes
  ? NodeTypes<T>[K]
  : Elsewhere;

/** WebCrypto's CryptoKey, as much of it as the edge declarations need. */
export interface WebCryptoKey {
  readonly type: string;
  readonly algorithm: { readonly name: string };
  readonly extractable: boolean;
  readonly usages: readonly string[];
}

/** node:crypto's KeyObject. */
export type KeyObject = FromNode<'KeyObject', never>;
/** node:crypto's JsonWebKey (private JWKs sign only on Node). */
export type JsonWebKey = FromNode<'JsonWebKey', never>;
/** node:crypto's key-with-options input to `verify()`. */
export type VerifyKeyObjectInput = FromNode<'VerifyKeyObjectInput', never>;
/** WebCrypto's CryptoKey: node:crypto's `webcrypto.CryptoKey` on Node. */
export type CryptoKey = FromNode<'CryptoKey', WebCryptoKey>;
/** A node:http or node:https Agent. */
export type HttpAgent = FromNode<'HttpAgent', never>;
/** gaxios' request options. */
export type GaxiosOptions = FromNode<'GaxiosOptions', never>;
/** gaxios' response to a request whose body is a `T`. */
export type GaxiosResponse<T> = FromNode<'GaxiosResponse', never, T>;
