// A Worker that calls a Google API as a service account. The JSON key is a secret binding:
//   wrangler secret put SERVICE_ACCOUNT_KEY < key.json
import { AuthorizedClient, ServiceAccountCredentials } from 'warrant';

// Module scope lives as long as the isolate: a warm Worker reuses the token (and the imported
// key) until shortly before it expires, instead of minting one per request.
let client;

export default {
  async fetch(request, env) {
    client ??= new AuthorizedClient(
      ServiceAccountCredentials.fromJson(JSON.parse(env.SERVICE_ACCOUNT_KEY), {
        scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
      }),
    );
    const bucket = new URL(request.url).searchParams.get('bucket') ?? 'my-bucket';
    return client.fetch(
      `https://storage.googleapis.com/storage/v1/b/${encodeURIComponent(bucket)}/o?maxResults=10`,
    );
  },
};
