import { NodeOnlyError } from '../errors.js';
import type * as NodePrivateKey from './private-key.js';

/** Client assertions signed with a private key (`private_key_jwt`) need node:crypto KeyObjects. */
export const createPrivateKey: typeof NodePrivateKey.createPrivateKey = () => {
  throw new NodeOnlyError(
    'private_key_jwt client authentication',
    'use client_secret_basic, client_secret_post or client_secret_jwt',
  );
};
