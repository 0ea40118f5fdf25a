const UTF8 = new TextEncoder();

/**
 * RFC 5849 §3.6 percent-encoding: every byte of the UTF-8 form except the unreserved
 * characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex. Unlike
 * `encodeURIComponent`, it also encodes `! * ' ( )`; unlike form encoding, a space is `%20`.
 */
export function percentEncode(value: string): string {
  let encoded = '';
  for (const byte of UTF8.encode(value)) {
    encoded += isUnreserved(byte)
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Name/value pairs as `application/x-www-form-urlencoded` reads them (`+` is a space). */
export function parseForm(text: string): [string, string][] {
  return [...new URLSearchParams(text)];
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}
