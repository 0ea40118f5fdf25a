import { InvalidOptionsError } from '../../errors.js';
import { checkHttpUrl } from '../../http/send.js';
import { parseForm, percentEncode } from './encoding.js';
import {
  signatureBaseString,
  signBaseString,
  type OAuth1SignatureMethod,
  type OAuth1SigningKeys,
} from './signature.js';

/** Where the protocol parameters travel (RFC 5849 §3.5). */
export type OAuth1SignatureType = 'header' | 'query' | 'body';

/** A request to sign. A `formBody` is included in the signature; other bodies are not. */
export interface OAuth1RequestToSign {
  method: string;
  url: string;
  /** An `application/x-www-form-urlencoded` body, exactly as it will be sent. */
  formBody?: string;
}

/** Everything about one signature apart from the request. */
export interface OAuth1SigningParams extends OAuth1SigningKeys {
  consumerKey: string;
  token?: string;
  signatureMethod: OAuth1SignatureMethod;
  signatureType: OAuth1SignatureType;
  realm?: string;
  nonce: string;
  /** Seconds since the epoch. */
  timestamp: number;
  includeVersion: boolean;
  /** More protocol parameters: `oauth_callback`, `oauth_verifier`. */
  extra?: Record<string, string>;
}

/** A signed request: send `url` with `headers` and `body`. */
export interface OAuth1SignedRequest {
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The base string that was signed, for debugging signature mismatches. */
  baseString: string;
  signature: string;
}

/**
 * Signs a request (RFC 5849 §3.1–3.5): gathers the protocol parameters, builds the signature
 * base string from them plus the query and form-body parameters, signs it, and places the
 * parameters in the Authorization header, the query or the body.
 */
export function signOAuth1Request(
  request: OAuth1RequestToSign,
  params: OAuth1SigningParams,
): OAuth1SignedRequest {
  if (typeof request?.method !== 'string') {
    throw new InvalidOptionsError('the OAuth 1.0a request needs method: a string such as GET');
  }
  checkHttpUrl(request.url, 'the OAuth 1.0a request url');
  if (typeof params !== 'object' || params === null) {
    throw new InvalidOptionsError('OAuth 1.0a signing params must be an object');
  }
  const oauth: [string, string][] = [['oauth_consumer_key', params.consumerKey]];
  if (params.token) oauth.push(['oauth_token', params.token]);
  oauth.push(
    ['oauth_signature_method', params.signatureMethod],
    ['oauth_timestamp', String(params.timestamp)],
    ['oauth_nonce', params.nonce],
  );
  if (params.includeVersion) oauth.push(['oauth_version', '1.0']);
  oauth.push(...Object.entries(params.extra ?? {}));

  const url = new URL(request.url);
  const body = request.formBody === undefined ? [] : parseForm(request.formBody);
  const baseString = signatureBaseString(request.method, url, [
    ...url.searchParams,
    ...body,
    ...oauth,
  ]);
  const signature = signBaseString(params.signatureMethod, baseString, params);
  oauth.push(['oauth_signature', signature]);

  const encoded = oauth.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`);
  switch (params.signatureType) {
    case 'header': {
      const fields = oauth.map(
        ([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`,
      );
      if (params.realm !== undefined) fields.unshift(`realm="${quote(params.realm)}"`);
      return {
        url: request.url,
        headers: { authorization: `OAuth ${fields.join(', ')}` },
        body: request.formBody,
        baseString,
        signature,
      };
    }
    case 'query': {
      const [withoutHash, hash] = splitHash(request.url);
      const separator = !withoutHash.includes('?') ? '?' : /[?&]$/.test(withoutHash) ? '' : '&';
      return {
        url: `${withoutHash}${separator}${encoded.join('&')}${hash}`,
        headers: {},
        body: request.formBody,
        baseString,
        signature,
      };
    }
    case 'body': {
      if (request.method.toUpperCase() === 'GET' || request.method.toUpperCase() === 'HEAD') {
        throw new InvalidOptionsError(
          `signatureType body needs a request with a form body, not ${request.method.toUpperCase()}; use header or query`,
        );
      }
      const form = request.formBody
        ? `${request.formBody}&${encoded.join('&')}`
        : encoded.join('&');
      return {
        url: request.url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
        baseString,
        signature,
      };
    }
  }
}

function quote(value: string): string {
  return value.replace(/[\\"]/g, (c) => `\\${c}`);
}

function splitHash(url: string): [string, string] {
  const hash = url.indexOf('#');
  return hash === -1 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
}
