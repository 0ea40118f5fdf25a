import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { formEncode } from '../src/oauth/client-auth.js';
import { OAuthProvider } from '../src/oauth/provider.js';
import type { OAuthProviderOptions } from '../src/oauth/provider-options.js';
import {
  startStubProvider,
  type StubProvider,
  type StubRequest,
} from './support/oidc-provider-stub.js';

const SECRET = 'stub-client-secret-0123456789-0123456789';

describe('client authentication at the token endpoint (scripted provider)', () => {
  let stub: StubProvider;
  before(async () => {
    stub = await startStubProvider();
    stub.route('/token', () => ({ body: { access_token: 'a', token_type: 'Bearer' } }));
  });
  after(() => stub.close());

  /** The token request a client-credentials grant sends with `options`. */
  async function tokenRequest(options: Partial<OAuthProviderOptions>): Promise<StubRequest> {
    const p = new OAuthProvider({ issuer: stub.issuer, clientId: 'client-1', ...options });
    await p.clientCredentials({ scope: 'api' });
    return stub.requests.filter((r) => r.path === '/token').at(-1)!;
  }

  it('client_secret_basic form-encodes the id and secret before base64 (RFC 6749 §2.3.1)', async () => {
    const request = await tokenRequest({ clientId: 'my client:1', clientSecret: 'p@ss:w%rd+/= é' });
    const expected = Buffer.from('my+client%3A1:p%40ss%3Aw%25rd%2B%2F%3D+%C3%A9').toString(
      'base64',
    );
    assert.equal(request.headers.authorization, `Basic ${expected}`);
    assert.equal(request.form.get('client_secret'), null);
    assert.equal(formEncode('a b~*'), 'a+b%7E*');
  });

  it('client_secret_post sends the id and secret in the form', async () => {
    const request = await tokenRequest({
      clientSecret: SECRET,
      clientAuthMethod: 'client_secret_post',
    });
    assert.equal(request.headers.authorization, undefined);
    assert.equal(request.form.get('client_id'), 'client-1');
    assert.equal(request.form.get('client_secret'), SECRET);
    assert.equal(request.form.get('grant_type'), 'client_credentials');
    assert.equal(request.form.get('scope'), 'api');
  });

  it('none sends only the client id', async () => {
    const request = await tokenRequest({});
    assert.equal(request.headers.authorization, undefined);
    assert.equal(request.form.get('client_id'), 'client-1');
    assert.equal(request.form.get('client_secret'), null);
    assert.equal(request.form.get('client_assertion'), null);
  });

  it('private_key_jwt signs a short-lived RFC 7523 assertion for the token endpoint', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const first = await tokenRequest({ privateKey, privateKeyId: 'k1' });
    const second = await tokenRequest({ privateKey, privateKeyId: 'k1' });
    assert.equal(
      first.form.get('client_assertion_type'),
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    const assertion = first.form.get('client_assertion')!;
    assert.deepEqual(decodeProtectedHeader(assertion), { alg: 'ES256', typ: 'JWT', kid: 'k1' });
    const { payload } = await jwtVerify(assertion, publicKey, {
      issuer: 'client-1',
      subject: 'client-1',
      audience: `${stub.issuer}/token`,
    });
    assert.ok(payload.jti);
    assert.ok(payload.exp! - payload.iat! <= 300);
    const { payload: next } = await jwtVerify(second.form.get('client_assertion')!, publicKey);
    assert.notEqual(next.jti, payload.jti);
  });

  it('private_key_jwt can address the assertion to the issuer instead', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const request = await tokenRequest({ privateKey, clientAssertionAudience: 'issuer' });
    const assertion = request.form.get('client_assertion')!;
    assert.equal(decodeProtectedHeader(assertion).alg, 'EdDSA');
    await jwtVerify(assertion, publicKey, { audience: stub.issuer });
  });

  it('private_key_jwt signs PS384 with an RSA key when asked, and refuses an algorithm the key cannot sign', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const request = await tokenRequest({ privateKey, clientAssertionAlg: 'PS384' });
    const assertion = request.form.get('client_assertion')!;
    assert.equal(decodeProtectedHeader(assertion).alg, 'PS384');
    await jwtVerify(assertion, publicKey, { issuer: 'client-1' });
    for (const [key, alg] of [
      [privateKey, 'ES256'],
      [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ES384'],
      [generateKeyPairSync('ed25519').privateKey, 'RS256'],
    ] as const) {
      assert.throws(
        () =>
          new OAuthProvider({
            issuer: stub.issuer,
            clientId: 'client-1',
            privateKey: key,
            clientAssertionAlg: alg,
          }),
        { code: 'ERR_INVALID_OPTIONS' },
      );
    }
    assert.throws(
      () =>
        new OAuthProvider({
          issuer: stub.issuer,
          clientId: 'client-1',
          clientSecret: SECRET,
          clientAuthMethod: 'client_secret_jwt',
          clientAssertionAlg: 'RS256',
        }),
      { code: 'ERR_INVALID_OPTIONS' },
    );
  });

  it('client_secret_jwt signs the assertion with HS256 keyed by the secret', async () => {
    const request = await tokenRequest({
      clientSecret: SECRET,
      clientAuthMethod: 'client_secret_jwt',
    });
    const assertion = request.form.get('client_assertion')!;
    assert.equal(decodeProtectedHeader(assertion).alg, 'HS256');
    const { payload } = await jwtVerify(assertion, new TextEncoder().encode(SECRET), {
      issuer: 'client-1',
      subject: 'client-1',
    });
    assert.ok(payload.exp! - payload.iat! <= 300);
    assert.equal(request.form.get('client_secret'), null);
  });

  it('authenticates revocation and introspection requests the same way', async () => {
    stub.route('/revoke', () => ({ body: '' }));
    stub.route('/introspect', () => ({
      body: { active: true, client_id: 'client-1', scope: 'a b' },
    }));
    const p = new OAuthProvider({
      issuer: stub.issuer,
      clientId: 'client-1',
      clientSecret: SECRET,
    });
    await p.revoke('tok', 'refresh_token');
    const revoke = stub.requests.at(-1)!;
    assert.equal(revoke.path, '/revoke');
    assert.match(revoke.headers.authorization ?? '', /^Basic /);
    assert.equal(revoke.form.get('token'), 'tok');
    assert.equal(revoke.form.get('token_type_hint'), 'refresh_token');
    const introspection = await p.introspect('tok');
    assert.deepEqual(introspection.scopes, ['a', 'b']);
    assert.match(stub.requests.at(-1)!.headers.authorization ?? '', /^Basic /);
  });
});
