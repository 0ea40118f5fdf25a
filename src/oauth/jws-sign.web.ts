/** JWS signatures outside Node: HMAC on WebCrypto; private keys need node:crypto KeyObjects. */
import { NodeOnlyError } from '../errors.js';
import { subtle } from '../platform/subtle.js';
import type * as NodeJwsSign from './jws-sign.js';

export const jwsSign: typeof NodeJwsSign.jwsSign = async (algorithm, key, data) => {
  if (!algorithm.startsWith('HS')) {
    throw new NodeOnlyError(
      'private_key_jwt client authentication',
      'use client_secret_basic, client_secret_post or client_secret_jwt',
    );
  }
  const hash = `SHA-${algorithm.slice(2)}`;
  const hmacKey = await subtle().importKey(
    'raw',
    key as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash },
    false,
    ['sign'],
  );
  return new Uint8Array(await subtle().sign('HMAC', hmacKey, data as Uint8Array<ArrayBuffer>));
};
