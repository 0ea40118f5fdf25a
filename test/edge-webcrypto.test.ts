// The WebCrypto halves of the edge entry (the `.web.ts` seams), run on Node, whose WebCrypto is
// the same API: each must answer exactly as its node:crypto twin does. test/edge-runtimes.test.ts
// proves them again inside the real runtimes.
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AuthError, NodeOnlyError } from '../src/errors.js';
import { JwsBytes as NodeJwsBytes } from '../src/id-token/jws-bytes.js';
import { JwsBytes } from '../src/id-token/jws-bytes.web.js';
import { importJwk as nodeImportJwk } from '../src/id-token/public-key.js';
import { importJwk, importPem, importSecret } from '../src/id-token/public-key.web.js';
import { importSecret as nodeImportSecret } from '../src/id-token/public-key.js';
import { jwsSign as nodeJwsSign } from '../src/oauth/jws-sign.js';
import { jwsSign } from '../src/oauth/jws-sign.web.js';
import {
  decodeBase64,
  encodeBase64,
  encodeBase64url,
  encodeHex,
} from '../src/platform/base64url.web.js';
import { nodeSubjectTokenSource } from '../src/external-account/node-sources.web.js';
import type { ExternalAccountOptions } from '../src/external-account/config.js';
import * as nodeOnly from '../src/platform/node-only.js';
import { readRegularFile as webReadFile } from '../src/platform/regular-file.web.js';
import { loadGaxios } from '../src/platform/gaxios.web.js';
import { hmacSha256, sha256Base64url, sha256Hex } from '../src/platform/sha256.web.js';
import { subtle } from '../src/platform/subtle.js';
import { WebCryptoSigner } from '../src/service-account/webcrypto-signer.js';

const pkcs8 = (key: KeyObject): string => key.export({ format: 'pem', type: 'pkcs8' }) as string;

describe('WebCryptoSigner', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = new TextEncoder().encode('header.payload');

  it('signs RS256 with an RSA PKCS#8 key, verifiable by node:crypto', async () => {
    const signer = new WebCryptoSigner(pkcs8(rsa.privateKey), 'kid-1');
    assert.equal(signer.algorithm, 'RS256');
    assert.equal(signer.keyId, 'kid-1');
    assert.ok(verify('sha256', data, rsa.publicKey, await signer.sign(data)));
  });

  it('signs ES256 with a P-256 key as raw r || s, the JWS encoding', async () => {
    const signer = new WebCryptoSigner(pkcs8(ec.privateKey));
    const signature = await signer.sign(data);
    assert.equal(signer.algorithm, 'ES256');
    assert.equal(signature.length, 64);
    assert.ok(verify('sha256', data, { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature));
  });

  it('reads keys pasted with literal \\n sequences', async () => {
    const signer = new WebCryptoSigner(pkcs8(rsa.privateKey).replace(/\n/g, '\\n'));
    assert.ok(verify('sha256', data, rsa.publicKey, await signer.sign(data)));
  });

  it('refuses PKCS#1, other curves and non-keys where the credentials are built, naming the field', () => {
    const pkcs1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    const p384 = pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey);
    const cases: [string, RegExp][] = [
      [pkcs1, /RSA PRIVATE KEY \(PKCS#1\/SEC1\).*openssl pkcs8 -topk8/],
      [p384, /neither RSA nor EC P-256/],
      ['not a key', /not a PKCS#8 PEM private key/],
      ['x'.repeat(20_000), /not a PKCS#8 PEM private key/],
    ];
    for (const [pem, message] of cases) {
      assert.throws(
        () => new WebCryptoSigner(pem, undefined, 'key.json'),
        (error: unknown) => {
          assert.ok(error instanceof AuthError);
          assert.equal(error.code, 'ERR_INVALID_CREDENTIALS');
          assert.match(error.message, /^key\.json: /);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });

  it('fails signing with a typed error when the armored bytes are not a key', async () => {
    const der = ec.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(0, 60);
    const broken = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----`;
    const signer = new WebCryptoSigner(broken, undefined, 'key.json');
    await assert.rejects(signer.sign(data), { code: 'ERR_INVALID_CREDENTIALS' });
  });
});

describe('WebCrypto key sets and signatures', () => {
  const jwk = (pair: { publicKey: KeyObject }) => pair.publicKey.export({ format: 'jwk' });

  it('keeps exactly the JWKs the node:crypto import keeps, with the same algorithms', async () => {
    const candidates = [
      jwk(generateKeyPairSync('rsa', { modulusLength: 2048 })),
      jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' })),
      jwk(generateKeyPairSync('rsa', { modulusLength: 1024 })),
      jwk(generateKeyPairSync('ec', { namedCurve: 'P-384' })),
      jwk(generateKeyPairSync('ed25519')),
      { kty: 'oct', k: 'c2VjcmV0' },
      { ...jwk(generateKeyPairSync('rsa', { modulusLength: 2048 })), n: 'not a modulus' },
    ];
    for (const candidate of candidates) {
      const web = await importJwk('k', candidate as never);
      const node = await nodeImportJwk('k', candidate as never);
      assert.equal(web?.algorithm, node?.algorithm, JSON.stringify(candidate).slice(0, 40));
    }
  });

  it('verifies a token signed by an X.509 certificate key, and not once altered', async () => {
    const fixture = JSON.parse(
      await readFile(
        new URL('./fixtures/id-token/x509-signed-token.json', import.meta.url),
        'utf8',
      ),
    ) as { certs: Record<string, string>; token: string };
    const [kid, pem] = Object.entries(fixture.certs)[0];
    const key = await importPem(kid, pem);
    assert.equal(key?.algorithm, 'RS256');
    const [header, payload, signature] = fixture.token.split('.');
    const bytes = new JwsBytes();
    assert.equal(await bytes.verify(`${header}.${payload}`, signature, key!), true);
    assert.equal(await bytes.verify(`${header}.${payload}x`, signature, key!), false);
    assert.equal(await importPem(kid, pem.replace('CERTIFICATE', 'PUBLIC KEY')), undefined);
  });

  it('verifies PS256, ES384, ES512, EdDSA and HS256 signatures and computes at_hash as the Node twin does', async () => {
    const web = new JwsBytes();
    const node = new NodeJwsBytes();
    const input = 'eyJhbGciOiJ4In0.eyJzdWIiOiJ1In0';
    const data = new TextEncoder().encode(input);
    const pairs = {
      PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
      ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
      ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
      EdDSA: generateKeyPairSync('ed25519'),
    };
    for (const [alg, pair] of Object.entries(pairs)) {
      const jwk = { kty: undefined, ...pair.publicKey.export({ format: 'jwk' }) };
      const webKey = await importJwk('k', jwk, alg);
      const nodeKey = await nodeImportJwk('k', jwk, alg);
      assert.equal(webKey?.algorithm, alg);
      const signature = encodeBase64url(
        (await nodeJwsSign(alg, pair.privateKey, data)) as Uint8Array,
      );
      assert.equal(await web.verify(input, signature, webKey!), true, alg);
      assert.equal(await node.verify(input, signature, nodeKey!), true, alg);
      assert.equal(await web.verify(`${input}x`, signature, webKey!), false, alg);
      assert.equal(
        await web.halfHash(webKey!.algorithm, 'at'),
        await node.halfHash(alg as never, 'at'),
      );
    }
    const secret = 'client-secret-for-hs256';
    const mac = encodeBase64url(await jwsSign('HS256', new TextEncoder().encode(secret), data));
    assert.equal(await web.verify(input, mac, await importSecret(secret, 'HS256')), true);
    assert.equal(await node.verify(input, mac, await nodeImportSecret(secret, 'HS256')), true);
    await assert.rejects(
      async () => jwsSign('RS256', new Uint8Array(1), data),
      (e) => e instanceof NodeOnlyError,
    );
  });

  it('reads base64url exactly as strictly as the Node decoder, and UTF-8 the same', () => {
    const web = new JwsBytes();
    const node = new NodeJwsBytes();
    const segments = [
      'QQ',
      'QR',
      'QUI',
      'QUJ',
      'Q',
      'QQ==',
      '-_-_',
      '+/+/',
      '',
      'Q Q',
      '_w',
      '_-8',
    ];
    for (const segment of segments) {
      assert.equal(web.isBase64url(segment), node.isBase64url(segment), segment);
      assert.equal(web.text(segment), node.text(segment), segment);
    }
    assert.equal(web.text(encodeBase64url('é∑😀')), 'é∑😀');
    assert.equal(web.text('_w'), false);
    assert.equal(web.text(encodeBase64url('\ufeff{}')), '\ufeff{}');
  });

  it('hashes SHA-256 as node:crypto does at every padding boundary (the PKCE challenge)', () => {
    for (const length of [0, 1, 43, 55, 56, 63, 64, 65, 86, 119, 128, 1000]) {
      const text = 'abcdefghijklmnopqrstuvwxyz0123456789-._~'.repeat(30).slice(0, length);
      assert.equal(sha256Base64url(text), createHash('sha256').update(text).digest('base64url'));
    }
  });

  it('encodes base64url and base64 as Buffer does', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'é∑😀', '\u00ff\u00fe?>']) {
      assert.equal(encodeBase64url(text), Buffer.from(text).toString('base64url'));
      assert.equal(encodeBase64(text), Buffer.from(text).toString('base64'));
    }
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    assert.equal(encodeBase64url(bytes), Buffer.from(bytes).toString('base64url'));
    assert.equal(encodeBase64(bytes), Buffer.from(bytes).toString('base64'));
    assert.equal(encodeHex(bytes), Buffer.from(bytes).toString('hex'));
  });

  it('decodes base64 as Buffer does, padded or not, skipping whitespace and stray characters', () => {
    const bytes = new Uint8Array(300).map((_, i) => (i * 7) % 256);
    const base64 = Buffer.from(bytes).toString('base64');
    for (const text of [base64, base64.replace(/=+$/, ''), base64.replace(/(.{64})/g, '$1\n')]) {
      assert.deepEqual(decodeBase64(text), new Uint8Array(Buffer.from(text, 'base64')));
    }
    for (const text of ['', 'QQ', 'QUJD', 'QUJDR', 'QU*JD', 'Q']) {
      assert.deepEqual(decodeBase64(text), new Uint8Array(Buffer.from(text, 'base64')), text);
    }
  });

  it('hashes SHA-256 to hex and HMAC-SHA256 as node:crypto does (AWS SigV4), long keys included', () => {
    for (const text of ['', 'abc', 'é∑😀', 'x'.repeat(1000)]) {
      assert.equal(sha256Hex(text), createHash('sha256').update(text).digest('hex'));
      for (const key of [new Uint8Array(0), Buffer.from('AWS4secret'), new Uint8Array(200)]) {
        const ours = hmacSha256(key, text);
        assert.deepEqual(ours, new Uint8Array(createHmac('sha256', key).update(text).digest()));
      }
    }
  });
});

describe('Node-only features outside Node', () => {
  it('throw NodeOnlyError naming the feature and what to use instead', async () => {
    const calls: [string, () => unknown][] = [
      ['defaultCredentials', () => nodeOnly.defaultCredentials()],
      ['findProjectId', () => nodeOnly.findProjectId()],
      ['ComputeCredentials', () => new nodeOnly.ComputeCredentials()],
      ['MetadataClient', () => new nodeOnly.MetadataClient()],
      ['InstalledAppFlow', () => new nodeOnly.InstalledAppFlow()],
      [
        'InstalledAppFlow',
        () =>
          (nodeOnly.InstalledAppFlow as unknown as { fromClientConfig(): void }).fromClientConfig(),
      ],
      ['FileTokenStore', () => new nodeOnly.FileTokenStore()],
      ['reading credentials files', () => webReadFile('key.json', 1024)],
    ];
    for (const [feature, call] of calls) {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof NodeOnlyError);
        assert.equal(error.code, 'ERR_NODE_ONLY');
        assert.ok(error.feature.startsWith(feature), error.feature);
        assert.match(error.message, /needs Node\.js .*\(.+\)$/);
        return true;
      });
    }
    await assert.rejects(loadGaxios(), {
      code: 'ERR_NODE_ONLY',
      message: /AuthorizedClient\.fetch/,
    });
  });

  it('refuse file, executable, AWS-environment and X.509 subject-token sources, naming the replacement', () => {
    const format = { type: 'text' } as const;
    const sources = [
      [{ kind: 'file', file: '/var/run/token', format }, /subjectTokenSupplier/],
      [{ kind: 'executable', command: 'get-token', timeoutMs: 5000 }, /subjectTokenSupplier/],
      [
        { kind: 'aws', regionalCredVerificationUrl: 'https://sts.amazonaws.com' },
        /awsSecurityCredentialsSupplier/,
      ],
      [{ kind: 'certificate', useDefaultCertificateConfig: true }, /subjectTokenSupplier/],
    ] as const;
    for (const [source, instead] of sources) {
      assert.throws(
        () => nodeSubjectTokenSource(source, {} as ExternalAccountOptions, Date.now),
        (error: unknown) => {
          assert.ok(error instanceof NodeOnlyError);
          assert.match(error.feature, /credential_source/);
          assert.match(error.message, instead);
          return true;
        },
      );
    }
  });

  it('say plainly when WebCrypto is missing (an http page in a browser)', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      assert.throws(() => subtle(), { code: 'ERR_UNSUPPORTED', message: /secure contexts/ });
    } finally {
      Object.defineProperty(globalThis, 'crypto', saved);
    }
  });
});
