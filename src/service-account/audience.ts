/**
 * The audience of a self-signed JWT for a request to `url`: the URL's origin and a slash, as
 * `new URL(url).origin + '/'` gives it. Called on every `getRequestHeaders(url)`, so the common
 * form (`http(s)://` then a lowercase DNS name without port, user info or `xn--` labels, whose
 * last label starts with a letter so it is no IPv4 address) is read off the string in one pass,
 * which costs a few nanoseconds where parsing the URL costs a microsecond; every other form is
 * parsed. When a path follows, the audience is one slice of `url` and nothing else is allocated.
 */
export function audienceOf(url: string): string {
  const start = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : 0;
  if (start > 0) {
    let end = start;
    let labelStart = start;
    let plain = true;
    for (; end < url.length; end++) {
      const c = url.charCodeAt(end);
      if (c === 0x2f || c === 0x3f || c === 0x23) break; // '/', '?', '#' end the host
      if (c === 0x2e) {
        // '.': no empty label
        if (end === labelStart) plain = false;
        labelStart = end + 1;
      } else if (c === 0x2d) {
        // '-': no "xn--" anywhere (punycode, which the URL standard checks and may rewrite)
        if (
          end - 3 >= start &&
          url.charCodeAt(end - 1) === 0x2d &&
          url.charCodeAt(end - 2) === 0x6e &&
          url.charCodeAt(end - 3) === 0x78
        ) {
          plain = false;
        }
      } else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) {
        plain = false; // anything but a-z, 0-9, '-' (port, user info, upper case, IPv6 ...)
      }
      if (!plain) break;
    }
    const lastLabel = url.charCodeAt(labelStart);
    if (plain && end > labelStart && lastLabel >= 0x61 && lastLabel <= 0x7a) {
      return url.charCodeAt(end) === 0x2f ? url.slice(0, end + 1) : `${url.slice(0, end)}/`;
    }
  }
  return `${new URL(url).origin}/`;
}
