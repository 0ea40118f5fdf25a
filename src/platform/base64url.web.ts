/** base64url, base64 and hex encoding with btoa and atob, for runtimes without Buffer. */
import type * as NodeBase64 from './base64url.js';

const utf8 = new TextEncoder();

export const encodeBase64url: typeof NodeBase64.encodeBase64url = (data) =>
  base64(typeof data === 'string' ? utf8.encode(data) : data)
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

export const encodeBase64: typeof NodeBase64.encodeBase64 = (data) =>
  base64(typeof data === 'string' ? utf8.encode(data) : data);

/** Like Buffer, skips what is not base64 (whitespace, line breaks) rather than throwing. */
export const decodeBase64: typeof NodeBase64.decodeBase64 = (text) => {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  // A lone trailing character carries no whole byte; atob refuses it, Buffer drops it.
  const binary = atob(clean.length % 4 === 1 ? clean.slice(0, -1) : clean);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

export const encodeHex: typeof NodeBase64.encodeHex = (bytes) =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
