/**
 * Headers that cannot be changed, like the `headers` of a fetched Response (the Fetch standard's
 * "immutable" guard). Credentials hand one instance to every caller while a token lasts, so the
 * cached header path costs a lookup rather than a new `Headers` per call. To add to them, copy
 * first: `new Headers(headers)`.
 */
export class ReadOnlyHeaders extends Headers {
  override append = refuseChange;
  override set = refuseChange;
  override delete = refuseChange;
}

function refuseChange(): never {
  throw new TypeError(
    'headers from getRequestHeaders() are shared by every caller and cannot be changed: copy them first with new Headers(headers)',
  );
}
