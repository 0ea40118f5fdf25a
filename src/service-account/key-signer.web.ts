import { InvalidCredentialsError } from '../errors.js';
import type * as NodeKeySigner from './key-signer.js';
import { WebCryptoSigner } from './webcrypto-signer.js';

/** The signer of a service-account key outside Node.js: WebCrypto, from the PKCS#8 PEM. */
export const keySigner: typeof NodeKeySigner.keySigner = (privateKey, keyId, source) => {
  if (typeof privateKey !== 'string') {
    throw new InvalidCredentialsError(`${source}: privateKey must be a PEM string here`, {
      source,
      field: 'private_key',
    });
  }
  return new WebCryptoSigner(privateKey, keyId, source);
};
