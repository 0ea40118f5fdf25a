// A Node-only entry: its declarations see the real Node types behind platform/node-types.ts.
export type {} from '../platform/node-types-on-node.js';
export {
  canonicalIdentity,
  type CachedToken,
  type RotatingSecret,
  type SharedToken,
  type SharedTokenRequest,
  type TokenCache,
  type TokenIdentity,
} from '../credentials/token-cache.js';
export { MemoryTokenCache, type MemoryTokenCacheOptions } from './memory-token-cache.js';
export {
  RedisTokenCache,
  type RedisTokenCacheOptions,
  type TokenCacheEvent,
} from './redis-token-cache.js';
export type { RedisTarget } from './redis-connection.js';
