import assert from 'node:assert/strict';
import aws4 from 'aws4';
import { OAuthError, SubjectTokenError } from '../src/errors.js';
import { signAwsRequest } from '../src/external-account/aws-sigv4.js';
import { ExternalAccountCredentials } from '../src/external-account/external-account-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { assertNoSecrets } from './support/secrets.js';

const AWS_TYPE = 'urn:ietf:params:aws:token-type:aws4_request';
const VERIFY_URL = 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15';

describe('ExternalAccountCredentials: AWS source', () => {
  const emulator = useEmulator();

  function awsConfig(audience: string, withImdsv2 = true): Record<string, unknown> {
    const url = emulator.current.url;
    return {
      type: 'external_account',
      audience,
      subject_token_type: AWS_TYPE,
      token_url: `${url}/v1/token`,
      credential_source: {
        environment_id: 'aws1',
        region_url: `${url}/latest/meta-data/placement/availability-zone`,
        url: `${url}/latest/meta-data/iam/security-credentials`,
        regional_cred_verification_url: VERIFY_URL,
        ...(withImdsv2 && { imdsv2_session_token_url: `${url}/latest/api/token` }),
      },
    };
  }

  it('signs GetCallerIdentity exactly as the aws4 package does, with and without a session token', () => {
    const date = new Date('2026-12-07T01:02:03.000Z');
    for (const sessionToken of [undefined, 'FwoGZXIvYXdzEBYaDGV4YW1wbGUtdG9rZW4']) {
      const credentials = {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        sessionToken,
      };
      const ours = signAwsRequest({
        method: 'POST',
        url: 'https://sts.eu-west-3.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
        headers: { 'x-goog-cloud-target-resource': '//iam.googleapis.com/projects/1/x' },
        region: 'eu-west-3',
        service: 'sts',
        credentials,
        date,
      });
      const theirs = aws4.sign(
        {
          host: 'sts.eu-west-3.amazonaws.com',
          path: '/?Action=GetCallerIdentity&Version=2011-06-15',
          method: 'POST',
          service: 'sts',
          region: 'eu-west-3',
          body: '',
          headers: {
            'X-Amz-Date': '20261207T010203Z',
            'x-goog-cloud-target-resource': '//iam.googleapis.com/projects/1/x',
          },
        },
        credentials,
      );
      assert.equal(ours.authorization, (theirs.headers as Record<string, string>).Authorization);
    }
  });

  it('gets region and role credentials from IMDSv2 and exchanges a signed request STS verifies', async () => {
    const { federation } = emulator.current.state;
    const { audience } = federation.createProvider('aws');
    federation.awsInstance.role = federation.createAwsIdentity({ temporary: true });
    const credentials = ExternalAccountCredentials.fromJson(awsConfig(audience), { env: {} });
    const record = emulator.current.state.activeAccessToken(await credentials.getAccessToken());
    assert.ok(record?.principal.endsWith(federation.awsInstance.role.arn));
    assert.equal(emulator.current.hits['aws-imds-token'], 1);
    assert.equal(emulator.current.hits['aws-imds'], 3);
  });

  it('takes region and credentials from the environment without touching the metadata service', async () => {
    const { federation } = emulator.current.state;
    const { audience } = federation.createProvider('aws');
    const identity = federation.createAwsIdentity();
    const env = {
      AWS_REGION: 'ap-south-1',
      AWS_ACCESS_KEY_ID: identity.accessKeyId,
      AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
    };
    const credentials = ExternalAccountCredentials.fromJson(awsConfig(audience), { env });
    assert.ok(emulator.current.state.activeAccessToken(await credentials.getAccessToken()));
    assert.equal(emulator.current.hits['aws-imds'], 0);
    assert.equal(emulator.current.hits['aws-imds-token'], 0);
  });

  it('uses a programmatic AWS credentials supplier', async () => {
    const { federation } = emulator.current.state;
    const { audience } = federation.createProvider('aws');
    const identity = federation.createAwsIdentity({ temporary: true });
    const credentials = new ExternalAccountCredentials({
      audience,
      subjectTokenType: AWS_TYPE,
      tokenUrl: `${emulator.current.url}/v1/token`,
      awsSecurityCredentialsSupplier: {
        getAwsRegion: async () => 'us-west-2',
        getAwsSecurityCredentials: async () => identity,
      },
    });
    assert.ok(emulator.current.state.activeAccessToken(await credentials.getAccessToken()));
  });

  it('reports IMDSv2 refusing the session token, naming the fix', async () => {
    const { audience } = emulator.current.state.federation.createProvider('aws');
    emulator.current.fail('aws-imds-token', { status: 403, count: 3 });
    const credentials = ExternalAccountCredentials.fromJson(awsConfig(audience), {
      env: {},
      http: FAST_HTTP,
    });
    const error = await credentials.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof SubjectTokenError);
    assert.equal(error.code, 'ERR_SUBJECT_TOKEN');
    assert.match(error.message, /IMDSv2 .* refused a session token \(HTTP 403\)/);
  });

  it('is refused by the metadata service without IMDSv2 when the instance requires it', async () => {
    const { audience } = emulator.current.state.federation.createProvider('aws');
    const credentials = ExternalAccountCredentials.fromJson(awsConfig(audience, false), {
      env: {},
      http: FAST_HTTP,
    });
    const error = await credentials.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof SubjectTokenError);
    assert.match(error.message, /HTTP 401/);
  });

  it('is rejected by STS when signed with the wrong secret, and shows neither key nor token', async () => {
    const { federation } = emulator.current.state;
    const { audience } = federation.createProvider('aws');
    const identity = federation.createAwsIdentity({ temporary: true });
    const wrongSecret = 'wrong-secret-access-key-0123456789';
    const env = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: identity.accessKeyId,
      AWS_SECRET_ACCESS_KEY: wrongSecret,
      AWS_SESSION_TOKEN: identity.sessionToken,
    };
    const credentials = ExternalAccountCredentials.fromJson(awsConfig(audience), {
      env,
      http: FAST_HTTP,
    });
    const error = await credentials.getAccessToken().catch((e: unknown) => e);
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, 'ERR_INVALID_GRANT');
    assert.match(error.message, /signature does not match/);
    assertNoSecrets(error, [wrongSecret, identity.secretAccessKey, identity.sessionToken]);
  });
});
