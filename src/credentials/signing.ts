/** What credentials that can sign bytes expose, and how to tell them apart from those that cannot. */

/** A signature and who made it. */
export interface SignResult {
  /**
   * The raw signature: RSASSA-PKCS1-v1_5 with SHA-256 for Google-managed and RSA keys. A Buffer
   * on Node, a plain Uint8Array on runtimes without Buffer.
   */
  signature: Uint8Array;
  /** The email of the service account whose key signed. */
  signerEmail: string;
  /** The id of the key that signed, when known. */
  keyId?: string;
}

/**
 * Credentials that can sign: a service account with its key locally, and compute and
 * impersonated credentials through IAM `signBlob`.
 */
export interface SigningCredentials {
  /** Signs `data` (a string is signed as its UTF-8 bytes) as the service account. */
  sign(data: string | Uint8Array): Promise<SignResult>;
  /** The email of the service account {@link sign} signs as. */
  getSignerEmail(): Promise<string>;
}

/**
 * Whether `credentials` can {@link SigningCredentials.sign}.
 *
 * @example
 * ```ts
 * if (canSign(credentials)) console.log(await credentials.getSignerEmail());
 * ```
 */
export function canSign<T extends object>(credentials: T): credentials is T & SigningCredentials {
  if (typeof credentials !== 'object' || credentials === null) return false;
  const candidate = credentials as Partial<SigningCredentials>;
  return typeof candidate.sign === 'function' && typeof candidate.getSignerEmail === 'function';
}

const UTF8 = new TextEncoder();

/** `data` as bytes: strings as UTF-8. */
export function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? UTF8.encode(data) : data;
}
