import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { ComputeCredentials } from '../src/credentials/compute-credentials.js';
import { ImpersonatedCredentials } from '../src/credentials/impersonated-credentials.js';
import { canSign } from '../src/credentials/signing.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import type { AuthError } from '../src/errors.js';
import { MetadataClient } from '../src/metadata/metadata-client.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import {
  signStorageUrl,
  storageUrlToSign,
  type SignedUrlOptions,
} from '../src/storage/signed-url.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { generateTestKey, serviceAccountJson } from './support/keys.js';
import { assertNoSecrets } from './support/secrets.js';

const HOUR = 3600_000;

/** Whether `signature` (hex, from a signed URL) is `email`'s signature over the URL's request. */
function verifiesUrl(url: string, options: SignedUrlOptions, email: string, publicKey: string) {
  const signature = new URL(url).searchParams.get('X-Goog-Signature') as string;
  const { stringToSign, unsignedUrl } = storageUrlToSign(options, email);
  assert.equal(url, `${unsignedUrl}&X-Goog-Signature=${signature}`);
  return createVerify('RSA-SHA256')
    .update(stringToSign)
    .verify(publicKey, Buffer.from(signature, 'hex'));
}

describe('signing', () => {
  const key = generateTestKey();
  const json = serviceAccountJson(key);
  const credentials = ServiceAccountCredentials.fromJson(json);

  describe('sign()', () => {
    it('signs bytes locally with a service account key, naming the signer', async () => {
      const result = await credentials.sign('to be signed');
      assert.equal(result.signerEmail, json.client_email);
      assert.equal(result.keyId, 'test-key-id');
      assert.ok(
        createVerify('RSA-SHA256').update('to be signed').verify(key.publicKey, result.signature),
      );
    });

    it('tells credentials that can sign from those that cannot', () => {
      assert.equal(canSign(credentials), true);
      assert.equal(canSign(UserCredentials.fromJson({ ...USER, type: 'authorized_user' })), false);
    });
  });

  describe('Cloud Storage V4 signed URLs, identical to @google-cloud/storage', () => {
    const storage = new Storage({
      projectId: 'test-project',
      credentials: { client_email: json.client_email, private_key: json.private_key },
    });
    const accessibleAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const expires = accessibleAt.getTime() + HOUR;

    const cases: [string, Partial<SignedUrlOptions>, Record<string, unknown>][] = [
      ['a plain GET', {}, { action: 'read' }],
      [
        'an object name needing encoding',
        { object: "dir/sub dir/naïve (1)!*'~.txt" },
        { action: 'read' },
      ],
      [
        'a PUT with content type, MD5 and metadata headers',
        {
          method: 'PUT',
          contentType: 'text/plain',
          contentMd5: 'rL0Y20zC+Fzt72VPzMSk2A==',
          headers: { 'X-Goog-Meta-Owner': '  alice   and  bob ' },
        },
        {
          action: 'write',
          contentType: 'text/plain',
          contentMd5: 'rL0Y20zC+Fzt72VPzMSk2A==',
          extensionHeaders: { 'X-Goog-Meta-Owner': '  alice   and  bob ' },
        },
      ],
      [
        'a DELETE with query parameters',
        {
          method: 'DELETE',
          queryParams: { 'response-content-disposition': 'attachment; a="b c"' },
        },
        { action: 'delete', responseDisposition: 'attachment; a="b c"' },
      ],
      [
        'a resumable upload start',
        { method: 'POST', headers: { 'x-goog-resumable': 'start' } },
        { action: 'resumable' },
      ],
      [
        'a virtual-hosted-style URL',
        { virtualHostedStyle: true },
        { action: 'read', virtualHostedStyle: true },
      ],
      [
        'a custom domain',
        { cname: 'https://cdn.example.test' },
        { action: 'read', cname: 'https://cdn.example.test' },
      ],
    ];
    for (const [what, ours, theirs] of cases) {
      it(`produces the same URL for ${what}`, async () => {
        const object = ours.object ?? 'reports/2026.pdf';
        const [expected] = await storage
          .bucket('my-bucket')
          .file(object)
          .getSignedUrl({ version: 'v4', expires, accessibleAt, ...theirs } as never);
        const actual = await signStorageUrl(credentials, {
          bucket: 'my-bucket',
          object,
          expires,
          accessibleAt,
          ...ours,
        });
        assert.equal(actual, expected);
      });
    }

    const bad: [string, Partial<SignedUrlOptions>][] = [
      ['expires in the past', { expires: Date.now() - 1000 }],
      ['expires more than seven days after accessibleAt', { expires: Date.now() + 8 * 24 * HOUR }],
      ['expires before accessibleAt', { accessibleAt: Date.now() + 2 * HOUR }],
      ['an expiry that is not a time', { expires: Number.NaN }],
      ['an empty bucket', { bucket: '' }],
      ['an unknown method', { method: 'PATCH' as never }],
      ['a query parameter it computes itself', { queryParams: { 'X-Goog-Signature': 'x' } }],
      ['a malformed payload hash', { headers: { 'x-goog-content-sha256': 'abc' } }],
    ];
    for (const [what, change] of bad) {
      it(`refuses ${what} with ERR_INVALID_OPTIONS`, async () => {
        await assert.rejects(
          signStorageUrl(credentials, {
            bucket: 'b',
            object: 'o',
            expires: Date.now() + HOUR,
            ...change,
          }),
          (e: AuthError) => {
            assert.equal(e.code, 'ERR_INVALID_OPTIONS');
            assertNoSecrets(e, [key.privateKeyPem.split('\n')[1]]);
            return true;
          },
        );
      });
    }
  });

  describe('keyless signing through IAM signBlob', () => {
    const emulator = useEmulator();
    const options = (): SignedUrlOptions => ({
      bucket: 'b',
      object: 'o.txt',
      expires: Date.now() + HOUR,
      accessibleAt: Math.floor(Date.now() / 1000) * 1000,
    });

    it('signs a URL with impersonated credentials, verifiable with the target key', async () => {
      const e = emulator.current;
      const target = e.createServiceAccount();
      e.grantTokenCreator(e.serviceAccountKey.client_email, target.client_email);
      const impersonated = new ImpersonatedCredentials({
        sourceCredentials: ServiceAccountCredentials.fromJson(e.serviceAccountKey),
        targetPrincipal: target.client_email,
        iamEndpoint: e.url,
        http: FAST_HTTP,
      });
      const opts = options();
      const url = await signStorageUrl(impersonated, opts);
      assert.match(url, new RegExp(`X-Goog-Credential=${encodeURIComponent(target.client_email)}`));
      const publicKey = target.private_key;
      assert.ok(verifiesUrl(url, opts, target.client_email, publicKey));
      assert.equal(e.hits.signBlob, 1);
    });

    it('signs as the VM service account on compute, once it may sign as itself', async () => {
      const e = emulator.current;
      const compute = new ComputeCredentials({
        metadataClient: new MetadataClient({ env: { GCE_METADATA_HOST: e.host }, http: FAST_HTTP }),
        iamEndpoint: e.url,
        http: FAST_HTTP,
      });
      await assert.rejects(compute.sign('x'), (error: AuthError) => {
        assert.equal(error.code, 'ERR_PERMISSION_DENIED');
        assert.match(error.message, /iam\.serviceAccounts\.signBlob/);
        assertNoSecrets(error, [compute.token]);
        return true;
      });
      e.grantTokenCreator(e.serviceAccountKey.client_email, e.serviceAccountKey.client_email);
      const opts = options();
      const url = await signStorageUrl(compute, opts);
      assert.ok(
        verifiesUrl(url, opts, e.serviceAccountKey.client_email, e.serviceAccountKey.private_key),
      );
    });
  });
});

const USER = {
  client_id: 'client.apps.example.test',
  client_secret: 'GOCSPX-unused',
  refresh_token: '1//0unused',
};
