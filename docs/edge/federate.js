// A Worker that calls a Google API through workload identity federation: no service-account key.
// FEDERATION_CONFIG is the `external_account` JSON of `gcloud iam workload-identity-pools
// create-cred-config ... --credential-source-url=...`, with service_account_impersonation_url.
import { AuthorizedClient, ExternalAccountCredentials } from 'warrant';

let client; // module scope: reused by every request this isolate serves

export default {
  async fetch(request, env) {
    client ??= new AuthorizedClient(
      ExternalAccountCredentials.fromJson(JSON.parse(env.FEDERATION_CONFIG), {
        scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
      }),
    );
    const bucket = new URL(request.url).searchParams.get('bucket') ?? 'my-bucket';
    return client.fetch(
      `https://storage.googleapis.com/storage/v1/b/${encodeURIComponent(bucket)}/o?maxResults=10`,
    );
  },
};
