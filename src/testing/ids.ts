/** Random identifiers shaped like Google's, so code that sniffs their shape behaves as in production. */
import { randomBytes, randomInt } from 'node:crypto';

/** `bytes` random bytes, base64url-encoded. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** 40 hex digits: the shape of Google's key ids (`private_key_id`, ID-token `kid`). */
export function randomKeyId(): string {
  return randomBytes(20).toString('hex');
}

/** A decimal number of `length` digits without a leading zero: account and project numbers. */
export function randomDigits(length: number): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < length) digits += String(randomInt(0, 10));
  return digits;
}
