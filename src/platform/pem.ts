/**
 * PEM and DER, read by hand for WebCrypto, which imports only PKCS#8 and SPKI DER and must be
 * told the algorithm up front. Plain code on bytes: it runs on every runtime.
 */

/** Longest PEM accepted: an RSA 8192 PKCS#8 key is ~6.5 KB, a certificate ~2 KB. */
const MAX_PEM_LENGTH = 16 * 1024;
const ARMOR =
  /^-----BEGIN ([A-Z0-9 ]{1,40})-----([A-Za-z0-9+/=\s]+)-----END ([A-Z0-9 ]{1,40})-----$/;
/** DER of the OIDs naming a key's type: rsaEncryption, id-ecPublicKey, and the P-256 curve. */
const RSA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_OID = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const P256_OID = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/** PKCS#8 and SPKI name their algorithm within their first bytes. */
const ALGORITHM_BYTES = 40;

/** A PEM block: its label (`PRIVATE KEY`, `PUBLIC KEY`, `CERTIFICATE`) and DER bytes. */
export interface Pem {
  label: string;
  der: Uint8Array<ArrayBuffer>;
}

/** The one PEM block of `text` (literal `\n` sequences allowed), or undefined (also for non-text). */
export function readPem(text: string): Pem | undefined {
  if (typeof text !== 'string' || text.length > MAX_PEM_LENGTH) return undefined;
  const match = ARMOR.exec(text.replace(/\\n/g, '\n').trim());
  if (!match || match[1] !== match[3]) return undefined;
  try {
    const binary = atob(match[2].replace(/\s+/g, ''));
    return { label: match[1], der: Uint8Array.from(binary, (c) => c.charCodeAt(0)) };
  } catch {
    return undefined;
  }
}

/** The JWS algorithm a PKCS#8 or SPKI key allows: RS256 (RSA), ES256 (EC P-256), or none. */
export function keyAlgorithm(der: Uint8Array): 'RS256' | 'ES256' | undefined {
  const head = der.subarray(0, ALGORITHM_BYTES);
  if (contains(head, RSA_OID)) return 'RS256';
  if (contains(head, EC_OID) && contains(head, P256_OID)) return 'ES256';
  return undefined;
}

/** The SubjectPublicKeyInfo inside an X.509 certificate's DER, or undefined. */
export function certificateSpki(der: Uint8Array): Uint8Array | undefined {
  const certificate = element(der, 0);
  const tbs = certificate?.tag === 0x30 ? element(der, certificate.start) : undefined;
  if (tbs?.tag !== 0x30) return undefined;
  let at = tbs.start;
  const version = element(der, at);
  if (version?.tag === 0xa0) at = version.end;
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  for (let skip = 0; skip < 5; skip++) {
    const field = element(der, at);
    if (!field || field.end > tbs.end) return undefined;
    at = field.end;
  }
  const spki = element(der, at);
  return spki?.tag === 0x30 && spki.end <= tbs.end ? der.subarray(at, spki.end) : undefined;
}

/** The DER element at `at`: its tag and where its contents start and end. */
function element(
  der: Uint8Array,
  at: number,
): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at];
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3 || start + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i];
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : undefined;
}

function contains(bytes: Uint8Array, pattern: readonly number[]): boolean {
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return true;
  }
  return false;
}
