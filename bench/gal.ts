/**
 * How google-auth-library is pointed at the emulator. Its service-account client (gtoken) has
 * Google's token URL written in: it POSTs there and puts it in the assertion's `aud`, whatever
 * the key file's `token_uri` says. So the bench gives it a fetch that sends that one URL to the
 * emulator, and an `aud` claim naming the emulator. Both cost nothing measurable per request.
 * This module does not import google-auth-library, so children can use it without skewing
 * what they measure.
 */

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** A fetch that sends Google's token URL to `tokenUrl` and everything else where it was going. */
export function redirectingFetch(tokenUrl: string): typeof fetch {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return fetch(url === GOOGLE_TOKEN_URL ? tokenUrl : input, init);
  };
}

/** Options for gal's `JWT` (or `GoogleAuth`'s `clientOptions`) that reach the emulator. */
export function galJwtOptions(tokenUrl: string): {
  additionalClaims: { aud: string };
  transporterOptions: { fetchImplementation: typeof fetch };
} {
  return {
    additionalClaims: { aud: tokenUrl },
    transporterOptions: { fetchImplementation: redirectingFetch(tokenUrl) },
  };
}
