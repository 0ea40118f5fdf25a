/** base64url and base64 encoding with btoa, for runtimes without Buffer. */
import type * as NodeBase64 from './base64url.js';

const utf8 = new TextEncoder();

export const encodeBase64url: typeof NodeBase64.encodeBase64url = (data) =>
  base64(typeof data === 'string' ? utf8.encode(data) : data)
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

export const encodeBase64: typeof NodeBase64.encodeBase64 = (text) => base64(utf8.encode(text));

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
