import type { webcrypto } from 'node:crypto';
import { encodeBase64url } from './base64url.js';
import type * as NodeRandom from './random.js';

const webCrypto = (): webcrypto.Crypto => globalThis.crypto as webcrypto.Crypto;

export const randomBase64url: typeof NodeRandom.randomBase64url = (bytes) =>
  encodeBase64url(webCrypto().getRandomValues(new Uint8Array(bytes)));

export const randomId: typeof NodeRandom.randomId = () => webCrypto().randomUUID();
