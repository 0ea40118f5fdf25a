import { createVerify } from 'node:crypto';
import {
  ImpersonatedCredentials,
  ServiceAccountCredentials,
  signStorageUrl,
} from '../../src/index.js';
import { CLOUD_PLATFORM, type Step } from '../tour.js';

export const impersonation: Step = {
  title: 'Impersonation, signing and a Cloud Storage signed URL, with no key for the target',
  explain:
    "Impersonation: credentials allowed to act as another service account ask IAM for its tokens and signatures; nobody downloads that account's key.",
  file: 'steps/impersonation.ts',
  async run({ emulator, show, check }) {
    const target = emulator.createServiceAccount({
      email: 'deployer@emulated-project.iam.gserviceaccount.com',
    });
    const me = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, {
      scopes: [CLOUD_PLATFORM],
    });
    emulator.grantTokenCreator(me.clientEmail, target.client_email); // roles/iam.serviceAccountTokenCreator
    const deployer = new ImpersonatedCredentials({
      sourceCredentials: me,
      targetPrincipal: target.client_email,
      iamEndpoint: emulator.url, // the emulator plays iamcredentials.googleapis.com
    });
    const echo = await fetch(emulator.echoUrl, { headers: await deployer.getRequestHeaders() });
    const { principal } = (await echo.json()) as { principal: string };
    show('acting as', `${principal} (IAM generateAccessToken)`);

    const { signature, signerEmail } = await deployer.sign('hello');
    const verifies = createVerify('RSA-SHA256')
      .update('hello')
      .verify(target.private_key, signature); // the emulator holds the key; IAM signBlob used it
    show(
      'sign()',
      `${signature.length}-byte RSA signature by ${signerEmail}, verifies: ${verifies}`,
    );

    const url = new URL(
      await signStorageUrl(deployer, {
        bucket: 'demo-bucket',
        object: 'reports/2026.pdf',
        expires: Date.now() + 15 * 60_000,
      }),
    );
    show(
      'signed URL',
      `${url.origin}${url.pathname}?X-Goog-Algorithm=${url.searchParams.get('X-Goog-Algorithm')}&…`,
    );
    check(principal === target.client_email && verifies, 'impersonation and signing worked');
  },
};
