import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign, verify } from 'node:crypto';
import { OAuth1Client, type OAuth1ClientOptions } from '../src/oauth/oauth1/client.js';
import { percentEncode } from '../src/oauth/oauth1/encoding.js';
import { baseStringUri, normalizeParameters } from '../src/oauth/oauth1/signature.js';
import { startOAuth1Server, type OAuth1Server } from './fixtures/oauth1-server.js';
import { assertAuthError, rejectsWith } from './support/oidc-provider-assertions.js';

/** RFC 5849 §3.1: the example request's credentials, timestamp and nonce. */
const RFC_EXAMPLE: OAuth1ClientOptions = {
  consumerKey: '9djdj82h48djs9d2',
  consumerSecret: 'j49sk3j29djd',
  token: 'kkk9d7dh3k39sjv7',
  tokenSecret: 'dh893hdasih9',
  realm: 'Example',
  includeVersion: false,
  clock: () => 137131201 * 1000,
  nonce: () => '7d8f3e4a',
};
const RFC_URL = 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b';
const RFC_BODY = 'c2&a3=2+q';
/** RFC 5849 §3.4.1.1, the base string of the example request, verbatim. */
const RFC_BASE_STRING =
  'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q' +
  '%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_' +
  'key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m' +
  'ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk' +
  '9d7dh3k39sjv7';

describe('OAuth 1.0a signatures (RFC 5849)', () => {
  describe('percent-encoding (§3.6)', () => {
    const cases: [string, string][] = [
      ['a b', 'a%20b'],
      ['~-._', '~-._'],
      ['AZaz09', 'AZaz09'],
      ["*!'()", '%2A%21%27%28%29'],
      ['+/=&%', '%2B%2F%3D%26%25'],
      ['é', '%C3%A9'],
      ['日本', '%E6%97%A5%E6%9C%AC'],
      ['😀', '%F0%9F%98%80'],
    ];
    for (const [raw, encoded] of cases) {
      it(`encodes ${JSON.stringify(raw)} as ${encoded}`, () => {
        assert.equal(percentEncode(raw), encoded);
      });
    }
  });

  describe('base string parts', () => {
    it('lower-cases scheme and host and drops default ports (§3.4.1.2)', () => {
      assert.equal(
        baseStringUri('HTTP://EXAMPLE.COM:80/r%20v/X?id=123'),
        'http://example.com/r%20v/X',
      );
      assert.equal(
        baseStringUri('https://www.example.net:8080/?q=1'),
        'https://www.example.net:8080/',
      );
      assert.equal(baseStringUri('https://api.example.com:443'), 'https://api.example.com/');
    });

    it('sorts parameters by encoded name, then encoded value, leaving out realm and oauth_signature', () => {
      assert.equal(
        normalizeParameters([
          ['b', '2'],
          ['a', '2'],
          ['a', '10'],
          ['a b', 'x'],
          ['realm', 'r'],
          ['oauth_signature', 's'],
        ]),
        'a=10&a=2&a%20b=x&b=2',
      );
    });
  });

  describe('the RFC 5849 §3.1 example request', () => {
    const signed = () =>
      new OAuth1Client(RFC_EXAMPLE).sign({ method: 'post', url: RFC_URL, formBody: RFC_BODY });

    it('builds the base string of §3.4.1.1 exactly', () => {
      assert.equal(signed().baseString, RFC_BASE_STRING);
    });

    it('signs it with HMAC-SHA1 as the RFC errata correct it, not as first printed', () => {
      const expected = createHmac('sha1', 'j49sk3j29djd&dh893hdasih9')
        .update(RFC_BASE_STRING)
        .digest('base64');
      assert.equal(expected, 'r6/TJjbCOr97/+UU0NsvSne7s5g=');
      assert.equal(signed().signature, expected);
      // §3.1 prints bYT5CMsGcbgUdFHObYMEfcx6bsw=, which no implementation of §3.4 produces from
      // the RFC's own base string and keys; the errata give the value above.
      assert.notEqual(signed().signature, 'bYT5CMsGcbgUdFHObYMEfcx6bsw=');
    });

    it('writes the Authorization header of §3.1, realm first', () => {
      assert.equal(
        signed().headers.authorization,
        'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", ' +
          'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", ' +
          'oauth_signature="r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D"',
      );
      assert.equal(signed().body, RFC_BODY);
    });
  });

  it('reproduces tR3+Ty81lMeYAr/Fid0kMTYa/WM= for the OAuth Core 1.0 Appendix A.5 request', () => {
    const client = new OAuth1Client({
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'kd94hf93k423kf44',
      token: 'nnch734d00sl2jdk',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      clock: () => 1191242096 * 1000,
      nonce: () => 'kllo9940pd9333jh',
    });
    const signed = client.sign({
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
    });
    assert.equal(signed.signature, 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
  });

  it('signs with HMAC-SHA256, as node:crypto computes it independently', () => {
    const client = new OAuth1Client({
      ...RFC_EXAMPLE,
      signatureMethod: 'HMAC-SHA256',
      realm: undefined,
    });
    const signed = client.sign({
      method: 'GET',
      url: 'https://api.example.com/1/search?q=caf%C3%A9 bar',
    });
    const base =
      'GET&https%3A%2F%2Fapi.example.com%2F1%2Fsearch&oauth_consumer_key%3D9djdj82h48djs9d2' +
      '%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D137131201' +
      '%26oauth_token%3Dkkk9d7dh3k39sjv7%26q%3Dcaf%25C3%25A9%2520bar';
    assert.equal(signed.baseString, base);
    assert.equal(
      signed.signature,
      createHmac('sha256', 'j49sk3j29djd&dh893hdasih9').update(base).digest('base64'),
    );
  });

  it('signs with RSA-SHA1, as node:crypto computes and verifies it independently', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const client = new OAuth1Client({
      ...RFC_EXAMPLE,
      signatureMethod: 'RSA-SHA1',
      rsaPrivateKey: privateKey,
    });
    const signed = client.sign({ method: 'POST', url: RFC_URL, formBody: RFC_BODY });
    const base = RFC_BASE_STRING.replace('HMAC-SHA1', 'RSA-SHA1');
    assert.equal(signed.baseString, base);
    assert.equal(
      signed.signature,
      sign('RSA-SHA1', Buffer.from(base), privateKey).toString('base64'),
    );
    assert.ok(
      verify('RSA-SHA1', Buffer.from(base), publicKey, Buffer.from(signed.signature, 'base64')),
    );
  });

  it('signs with PLAINTEXT as the encoded secrets joined by & (OAuth Core 1.0 A.2)', () => {
    const client = new OAuth1Client({
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'kd94hf93k423kf44',
      signatureMethod: 'PLAINTEXT',
    });
    const signed = client.sign({ method: 'POST', url: 'https://photos.example.net/request_token' });
    assert.equal(signed.signature, 'kd94hf93k423kf44&');
    assert.match(signed.headers.authorization, /oauth_signature="kd94hf93k423kf44%26"/);
  });

  it('puts the protocol parameters in the query or the body when asked', () => {
    const query = new OAuth1Client({ ...RFC_EXAMPLE, signatureType: 'query' }).sign({
      method: 'GET',
      url: 'http://example.com/r?x=1#top',
    });
    const url = new URL(query.url);
    assert.equal(url.searchParams.get('x'), '1');
    assert.equal(url.searchParams.get('oauth_signature'), query.signature);
    assert.equal(url.hash, '#top');
    assert.deepEqual(query.headers, {});

    const body = new OAuth1Client({ ...RFC_EXAMPLE, signatureType: 'body' }).sign({
      method: 'POST',
      url: RFC_URL,
      formBody: RFC_BODY,
    });
    assert.equal(body.signature, 'r6/TJjbCOr97/+UU0NsvSne7s5g=');
    assert.ok(body.body!.startsWith(`${RFC_BODY}&oauth_consumer_key=9djdj82h48djs9d2&`));
    assert.equal(new URLSearchParams(body.body).get('oauth_signature'), body.signature);
    assert.equal(body.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.throws(
      () =>
        new OAuth1Client({ ...RFC_EXAMPLE, signatureType: 'body' }).sign({
          method: 'GET',
          url: RFC_URL,
        }),
      (error) => assertAuthError(error, 'ERR_INVALID_OPTIONS') !== undefined,
    );
  });
});

describe('OAuth 1.0a three-legged flow (local service provider)', () => {
  const CONSUMER = { consumerKey: 'app-key', consumerSecret: 'app-secret-5f2c' };
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let server: OAuth1Server;
  beforeEach(async () => {
    server = await startOAuth1Server({ ...CONSUMER, rsaPublicKey: rsa.publicKey });
  });
  afterEach(() => server.close());

  function client(options: Partial<OAuth1ClientOptions> = {}) {
    return new OAuth1Client({
      ...CONSUMER,
      requestTokenUrl: `${server.url}/oauth/request_token`,
      accessTokenUrl: `${server.url}/oauth/access_token`,
      http: { retry: { maxAttempts: 1 } },
      ...options,
    });
  }

  /** Runs the three legs; the user "approves" at the authorize URL. */
  async function authorize(c: OAuth1Client) {
    const requestToken = await c.fetchRequestToken('http://127.0.0.1:1/oauth1/callback');
    assert.equal(requestToken.callbackConfirmed, true);
    const redirect = await fetch(c.authorizationUrl(`${server.url}/oauth/authorize`), {
      redirect: 'manual',
    });
    const { oauthToken, oauthVerifier } = c.parseAuthorizationResponse(
      redirect.headers.get('location')!,
    );
    assert.equal(oauthToken, requestToken.oauthToken);
    const access = await c.fetchAccessToken(oauthVerifier);
    assert.equal(c.token, access.oauthToken);
    assert.equal(access.raw.user_id, '42');
    return access;
  }

  const variants: [string, Partial<OAuth1ClientOptions>][] = [
    ['HMAC-SHA1 in the header', {}],
    ['HMAC-SHA256 in the query', { signatureMethod: 'HMAC-SHA256', signatureType: 'query' }],
    ['RSA-SHA1 in the header', { signatureMethod: 'RSA-SHA1', rsaPrivateKey: rsa.privateKey }],
    ['PLAINTEXT in the body', { signatureMethod: 'PLAINTEXT', signatureType: 'body' }],
  ];
  for (const [label, options] of variants) {
    it(`obtains an access token and makes signed requests with ${label}`, async () => {
      const c = client(options);
      await authorize(c);
      const response = await c.fetch(`${server.url}/api/echo?lang=en`, {
        method: 'POST',
        body: new URLSearchParams({ status: "hello world! (it's *me*)" }),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(((await response.json()) as { params: unknown }).params, [
        ['lang', 'en'],
        ['status', "hello world! (it's *me*)"],
      ]);
      assert.equal(server.accepted.length, 3);
    });
  }

  it('signs GET requests without a body', async () => {
    const c = client();
    await authorize(c);
    const response = await c.fetch(`${server.url}/api/echo?q=a%20b&q=%2A`);
    assert.equal(response.status, 200);
    assert.deepEqual(((await response.json()) as { params: unknown }).params, [
      ['q', 'a b'],
      ['q', '*'],
    ]);
  });

  it('refuses a request-token response without oauth_token_secret (ERR_OAUTH1)', async () => {
    server.omitTokenSecret.requestToken = true;
    await rejectsWith(client().fetchRequestToken('http://127.0.0.1:1/cb'), 'ERR_OAUTH1', [
      CONSUMER.consumerSecret,
    ]);
  });

  it('refuses an access-token response without oauth_token_secret (ERR_OAUTH1)', async () => {
    server.omitTokenSecret.accessToken = true;
    const c = client();
    await c.fetchRequestToken('http://127.0.0.1:1/cb');
    const redirect = await fetch(c.authorizationUrl(`${server.url}/oauth/authorize`), {
      redirect: 'manual',
    });
    const { oauthVerifier } = c.parseAuthorizationResponse(redirect.headers.get('location')!);
    await rejectsWith(c.fetchAccessToken(oauthVerifier), 'ERR_OAUTH1', [
      CONSUMER.consumerSecret,
      oauthVerifier,
    ]);
  });

  it('surfaces a rejected signature as an HTTP error without the secrets', async () => {
    const c = client({ consumerSecret: 'not-the-secret' });
    const error = await rejectsWith(c.fetchRequestToken('http://127.0.0.1:1/cb'), 'ERR_HTTP', [
      'not-the-secret',
    ]);
    assert.match(error.message, /401/);
  });

  it('refuses an authorization redirect for another request token, or without a verifier', async () => {
    const c = client();
    await c.fetchRequestToken('http://127.0.0.1:1/cb');
    assert.throws(
      () =>
        c.parseAuthorizationResponse('http://127.0.0.1:1/cb?oauth_token=other&oauth_verifier=v3r'),
      (error) => assertAuthError(error, 'ERR_STATE_MISMATCH', ['v3r']) !== undefined,
    );
    assert.throws(
      () => c.parseAuthorizationResponse(`http://127.0.0.1:1/cb?oauth_token=${c.token}`),
      (error) => assertAuthError(error, 'ERR_OAUTH1') !== undefined,
    );
  });

  it('refuses an authorization redirect repeating oauth_token or oauth_verifier, whichever copy is first', async () => {
    const c = client();
    await c.fetchRequestToken('http://127.0.0.1:1/cb');
    for (const query of [
      `oauth_token=${c.token}&oauth_token=other&oauth_verifier=v3r`,
      `oauth_token=other&oauth_token=${c.token}&oauth_verifier=v3r`,
      `oauth_token=${c.token}&oauth_verifier=v3r&oauth_verifier=injected`,
    ]) {
      assert.throws(
        () => c.parseAuthorizationResponse(`http://127.0.0.1:1/cb?${query}`),
        (error) => {
          assertAuthError(error, 'ERR_OAUTH1', ['v3r', 'injected']);
          assert.match((error as Error).message, /more than once/);
          return true;
        },
      );
    }
  });
});
