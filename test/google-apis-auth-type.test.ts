import assert from 'node:assert/strict';
import { drive } from '@googleapis/drive';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { AuthorizedClient, type GoogleApisAuth } from '../src/transport/authorized-client.js';

// Checked by `tsc --noEmit` (npm test): each @ts-expect-error fails the build if its line compiles.
function typeChecks(auth: GoogleApisAuth): void {
  drive({ version: 'v3', auth });
  // @ts-expect-error: a typo or a method of another library does not compile
  auth.thisDoesNotExist(42);
  // @ts-expect-error: calls go through the AuthorizedClient itself, not the value typed for googleapis
  void auth.request({ url: 'https://example.test' });
}

describe('forGoogleApis() typing', () => {
  it('is typed so only passing it as auth compiles, and is the same client at run time', () => {
    const client = new AuthorizedClient(
      UserCredentials.fromJson({
        type: 'authorized_user',
        client_id: 'c',
        client_secret: 's',
        refresh_token: 'r',
      }),
    );
    const auth: unknown = client.forGoogleApis();
    assert.equal(auth, client);
    assert.equal(typeof typeChecks, 'function');
  });
});
