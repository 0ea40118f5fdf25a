import type { webcrypto } from 'node:crypto';
import { AuthError } from '../errors.js';

/**
 * WebCrypto's `crypto.subtle`, or a clear error where it is missing: browsers expose it only in
 * secure contexts (https pages, localhost), so an http page would otherwise fail obscurely.
 */
export function subtle(): webcrypto.SubtleCrypto {
  const subtleCrypto = (globalThis.crypto as webcrypto.Crypto | undefined)?.subtle;
  if (!subtleCrypto) {
    throw new AuthError(
      'ERR_UNSUPPORTED',
      'WebCrypto (crypto.subtle) is not available here: browsers provide it only to secure contexts (serve the page over https or from localhost)',
    );
  }
  return subtleCrypto;
}
