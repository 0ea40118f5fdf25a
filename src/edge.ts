/**
 * The entry for runtimes with WebCrypto and fetch but no Node built-ins (workerd, Deno, Bun,
 * browsers, other workers), chosen by package.json's export conditions. scripts/bundle.mjs
 * builds it with each seam (`x.js`) swapped for its `x.web.js`. It has the Node entry's names
 * where the feature works here; the Node-only ones throw NodeOnlyError.
 */
export * from './portable.js';
export type { Signer, SigningAlgorithm } from './service-account/signer.js';
export * from './platform/node-only.js';
