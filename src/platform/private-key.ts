/** Private-key parsing for client assertions, on Node. Other runtimes get ./private-key.web.ts. */
export { createPrivateKey } from 'node:crypto';
