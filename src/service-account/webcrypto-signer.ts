/**
 * A {@link Signer} on WebCrypto (`crypto.subtle`), for runtimes without node:crypto: workerd,
 * Deno, Bun, browsers. The PEM is checked and its algorithm read synchronously, so a bad key
 * fails where the credentials are built; the key is imported once, on first use, and reused.
 */
import type { webcrypto } from 'node:crypto';
import { InvalidCredentialsError } from '../errors.js';
import { keyAlgorithm, readPem } from '../platform/pem.js';
import type { Signer, SigningAlgorithm } from './signer.js';
import { subtle } from '../platform/subtle.js';

const ALGORITHMS = {
  RS256: {
    importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    signAs: { name: 'RSASSA-PKCS1-v1_5' },
  },
  ES256: {
    importAs: { name: 'ECDSA', namedCurve: 'P-256' },
    signAs: { name: 'ECDSA', hash: 'SHA-256' },
  },
} as const;

/**
 * Signs with a PKCS#8 PEM private key (what Google's JSON keys hold) through WebCrypto: RSA keys
 * sign RS256, EC P-256 keys ES256. ServiceAccountCredentials uses it outside Node.js.
 *
 * @example
 * ```ts
 * const signer = new WebCryptoSigner(key.private_key, key.private_key_id);
 * const signature = await signer.sign(new TextEncoder().encode('header.payload'));
 * ```
 */
export class WebCryptoSigner implements Signer {
  readonly algorithm: SigningAlgorithm;
  readonly keyId?: string;
  readonly #der: Uint8Array<ArrayBuffer>;
  readonly #source: string;
  #key?: Promise<webcrypto.CryptoKey>;

  constructor(pem: string, keyId?: string, source = 'private key') {
    const block = readPem(pem);
    if (block?.label !== 'PRIVATE KEY') {
      throw new InvalidCredentialsError(
        block?.label.endsWith('PRIVATE KEY')
          ? `${source}: field private_key is a ${block.label} (PKCS#1/SEC1); outside Node.js only PKCS#8 keys are read (convert it with: openssl pkcs8 -topk8 -nocrypt)`
          : `${source}: field private_key is not a PKCS#8 PEM private key (download a new JSON key)`,
        { source, field: 'private_key' },
      );
    }
    const algorithm = keyAlgorithm(block.der);
    if (!algorithm) {
      throw new InvalidCredentialsError(
        `${source}: the private key is neither RSA nor EC P-256 (use an RSA or EC P-256 key)`,
        { source, field: 'private_key' },
      );
    }
    this.algorithm = algorithm;
    this.keyId = keyId;
    this.#der = block.der;
    this.#source = source;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const key = await this.#importedKey();
    const signature = await subtle().sign(
      ALGORITHMS[this.algorithm].signAs,
      key,
      data as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(signature);
  }

  #importedKey(): Promise<webcrypto.CryptoKey> {
    this.#key ??= subtle()
      .importKey('pkcs8', this.#der, ALGORITHMS[this.algorithm].importAs, false, ['sign'])
      .catch(() => {
        this.#key = undefined;
        throw new InvalidCredentialsError(
          `${this.#source}: field private_key could not be imported (download a new JSON key)`,
          { source: this.#source, field: 'private_key' },
        );
      });
    return this.#key;
  }
}
