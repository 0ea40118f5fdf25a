/**
 * Headers that cannot be changed, like the `headers` of a fetched Response (the Fetch standard's
 * "immutable" guard). Credentials hand one instance to every caller while a token lasts, so the
 * cached header path costs a lookup rather than a new `Headers` per call. To add to them, copy
 * first: `new Headers(headers)`.
 *
 * Each header is also an own enumerable property (`headers.authorization`), because Google's
 * client libraries read headers in both shapes: googleapis-common and google-gax iterate them as
 * `Headers`, while grpc-js copies `Object.keys(headers)` into call metadata and
 * `@google-cloud/storage` 7 merges them with `Object.assign`. A plain `Headers` has no own
 * properties, so those two would send no `authorization` at all.
 */
export function readOnlyHeaders(entries: [string, string][]): Headers {
  return new (readOnlyHeadersClass ??= defineReadOnlyHeaders())(entries);
}

/**
 * The bearer token that request headers from `getRequestHeaders()` carry, as the `secrets` of a
 * request sending them to another API: an error made from its answer never shows the token, even
 * when the server echoes it.
 */
export function bearerSecrets(headers: Headers): string[] {
  const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
  return token === undefined ? [] : [token];
}

// Defined on first use: touching the global `Headers` loads Node's fetch implementation, which
// would otherwise cost every program that imports warrant several milliseconds and megabytes.
let readOnlyHeadersClass: typeof Headers | undefined;

function defineReadOnlyHeaders(): typeof Headers {
  class ReadOnlyHeaders extends Headers {
    constructor(init: ConstructorParameters<typeof Headers>[0]) {
      super(init);
      for (const [name, value] of this) {
        // A header named like a method (`get`, `forEach`) would hide that method from callers.
        if (name in this) throw new TypeError(`header name ${name} clashes with a Headers member`);
        Object.defineProperty(this, name, { value, enumerable: true });
      }
      if (freezable) Object.freeze(this);
    }
  }
  // On the prototype, not the instance, so that spreading the headers or copying their keys
  // yields header names and values only.
  const refusal = { value: refuseChange, writable: false, enumerable: false, configurable: false };
  const headersGet = Headers.prototype.get;
  Object.defineProperties(ReadOnlyHeaders.prototype, {
    append: refusal,
    set: refusal,
    delete: refusal,
    // Reading a header by its lowercase name, as callers do on every request, takes the own
    // property, one object away, rather than the Headers internals; any other name (mixed
    // case, invalid, absent) goes to Headers itself, which normalizes, validates and answers.
    get: {
      value: function get(this: Headers & Record<string, unknown>, name: string): string | null {
        const own = typeof name === 'string' && Object.hasOwn(this, name) ? this[name] : undefined;
        return typeof own === 'string' ? own : headersGet.call(this, name);
      },
      writable: false,
      enumerable: false,
      configurable: false,
    },
  });
  const freezable = iteratesWhenFrozen();
  return ReadOnlyHeaders;
}

/**
 * Whether a frozen `Headers` can still be read. Node's can; Deno's caches its iteration on the
 * instance, so there the headers are only made read-only property by property (assigning or
 * deleting a header still throws), not frozen against new properties.
 */
function iteratesWhenFrozen(): boolean {
  const probe = Object.freeze(new Headers([['a', 'b']]));
  try {
    return [...probe].length === 1;
  } catch {
    return false;
  }
}

function refuseChange(): never {
  throw new TypeError(
    'headers from getRequestHeaders() are shared by every caller and cannot be changed: copy them first with new Headers(headers)',
  );
}
