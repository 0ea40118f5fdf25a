/**
 * Headers that cannot be changed, like the `headers` of a fetched Response (the Fetch standard's
 * "immutable" guard). Credentials hand one instance to every caller while a token lasts, so the
 * cached header path costs a lookup rather than a new `Headers` per call. To add to them, copy
 * first: `new Headers(headers)`.
 */
export function readOnlyHeaders(entries: [string, string][]): Headers {
  return new (readOnlyHeadersClass ??= defineReadOnlyHeaders())(entries);
}

// Defined on first use: touching the global `Headers` loads Node's fetch implementation, which
// would otherwise cost every program that imports warrant several milliseconds and megabytes.
let readOnlyHeadersClass: typeof Headers | undefined;

function defineReadOnlyHeaders(): typeof Headers {
  return class ReadOnlyHeaders extends Headers {
    override append = refuseChange;
    override set = refuseChange;
    override delete = refuseChange;
  };
}

function refuseChange(): never {
  throw new TypeError(
    'headers from getRequestHeaders() are shared by every caller and cannot be changed: copy them first with new Headers(headers)',
  );
}
