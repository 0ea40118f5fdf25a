/** Private-key parsing for client assertions, on Node. Other runtimes get ./private-key.web.ts. */
import type { createPrivateKey as parse, KeyObject } from 'node:crypto';
import { nodeCrypto } from './node-builtins.js';

export function createPrivateKey(key: Parameters<typeof parse>[0]): KeyObject {
  return nodeCrypto().createPrivateKey(key);
}
