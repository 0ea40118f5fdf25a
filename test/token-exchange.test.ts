import assert from 'node:assert/strict';
import { AuthError } from '../src/errors.js';
import {
  buildTokenExchangeRequest,
  parseTokenExchangeResponse,
  TOKEN_TYPES,
} from '../src/oauth/token-exchange.js';

const URL = 'https://sts.example.test/v1/token';

function response(status: number, body: unknown) {
  return {
    status,
    headers: new Headers(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

describe('RFC 8693 token exchange halves', () => {
  it('builds the form with the grant, types, audience, scopes, JSON options and HTTP Basic client', () => {
    const request = buildTokenExchangeRequest({
      tokenUrl: URL,
      subjectToken: 'subject',
      subjectTokenType: TOKEN_TYPES.jwt,
      audience: '//iam.googleapis.com/x',
      scopes: ['a', 'b'],
      options: { userProject: 'p' },
      client: { clientId: 'id:1', clientSecret: 's%2' },
    });
    const form = new URLSearchParams(request.body);
    assert.equal(request.method, 'POST');
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(form.get('requested_token_type'), TOKEN_TYPES.accessToken);
    assert.equal(form.get('subject_token_type'), TOKEN_TYPES.jwt);
    assert.equal(form.get('scope'), 'a b');
    assert.deepEqual(JSON.parse(form.get('options') ?? ''), { userProject: 'p' });
    assert.equal(form.get('client_secret'), null);
    assert.equal(
      Buffer.from(request.headers.authorization.slice(6), 'base64').toString(),
      'id%3A1:s%252',
    );
  });

  it('parses issued_token_type and expires_in', () => {
    const parsed = parseTokenExchangeResponse(
      response(200, {
        access_token: 't',
        issued_token_type: TOKEN_TYPES.accessToken,
        token_type: 'Bearer',
        expires_in: 3599,
      }),
      URL,
    );
    assert.equal(parsed.accessToken, 't');
    assert.equal(parsed.issuedTokenType, TOKEN_TYPES.accessToken);
    assert.equal(parsed.expiresIn, 3599);
  });

  it('refuses an out-of-range expires_in, a missing token and non-JSON as ERR_TOKEN_RESPONSE', () => {
    for (const body of [
      { access_token: 't', expires_in: -5 },
      { access_token: 't', expires_in: 1e12 },
      { access_token: 't', issued_token_type: 7 },
      { token_type: 'Bearer' },
      '<html>',
    ]) {
      assert.throws(
        () => parseTokenExchangeResponse(response(200, body), URL),
        (e: unknown) => e instanceof AuthError && e.code === 'ERR_TOKEN_RESPONSE',
        JSON.stringify(body),
      );
    }
  });

  it('turns an STS error body into OAuthError with error and description', () => {
    assert.throws(
      () =>
        parseTokenExchangeResponse(
          response(400, { error: 'invalid_target', error_description: 'Bad audience' }),
          URL,
        ),
      (e: unknown) =>
        e instanceof AuthError &&
        e.code === 'ERR_OAUTH' &&
        /invalid_target: Bad audience/.test(e.message),
    );
  });
});
