import type { KeyObject } from '../platform/node-types.js';
import { nodeCrypto } from '../platform/node-builtins.js';
import { InvalidCredentialsError } from '../errors.js';
import type { JwsSigner } from '../oauth/jwt.js';
import { jwsSign } from '../oauth/jws-sign.js';

/** JWS algorithms a service-account key can sign with. */
export type SigningAlgorithm = 'RS256' | 'ES256';

/**
 * Signs JWTs for a service account: with a local key, or remotely (IAM signBlob). The signature
 * of `data` is PKCS#1 v1.5 for RS256, raw `r || s` for ES256.
 */
export interface Signer extends JwsSigner {
  readonly algorithm: SigningAlgorithm;
}

/** Signs with a private key parsed once into a KeyObject. RSA keys sign RS256, P-256 keys ES256. */
export class KeyObjectSigner implements Signer {
  readonly algorithm: SigningAlgorithm;
  readonly keyId?: string;
  readonly key: KeyObject;

  constructor(key: KeyObject, keyId?: string, source = 'private key') {
    this.key = key;
    this.keyId = keyId;
    this.algorithm = algorithmFor(key, source);
  }

  sign(data: Uint8Array): Uint8Array {
    return jwsSign(this.algorithm, this.key, data) as Uint8Array;
  }
}

/**
 * Parses a PEM private key once. A string that is not a private key PEM becomes an
 * {@link InvalidCredentialsError} naming `source` and the field, never showing the key.
 */
export function parsePrivateKey(key: string | KeyObject, source: string): KeyObject {
  if (typeof key !== 'string') {
    if (key.type !== 'private') {
      throw new InvalidCredentialsError(`${source}: privateKey must be a private key`, {
        source,
        field: 'private_key',
      });
    }
    return key;
  }
  // Keys pasted through environment variables often arrive with literal "\n" sequences.
  const pem = key.includes('\\n') && !key.includes('\n') ? key.replace(/\\n/g, '\n') : key;
  try {
    return nodeCrypto().createPrivateKey(pem);
  } catch {
    throw new InvalidCredentialsError(
      `${source}: field private_key is not a PEM private key (download a new JSON key)`,
      { source, field: 'private_key' },
    );
  }
}

function algorithmFor(key: KeyObject, source: string): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ES256';
  }
  throw new InvalidCredentialsError(
    `${source}: a private key of type ${key.asymmetricKeyType ?? 'unknown'} is not supported (use an RSA or EC P-256 key)`,
    { source, field: 'private_key' },
  );
}
