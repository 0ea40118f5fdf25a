/**
 * The EC2 instance metadata service (IMDSv2), emulated: `PUT /latest/api/token` hands out a
 * session token, and the region and role-credential paths answer only requests carrying one
 * (unless `awsInstance.requireSessionToken` is turned off, as for IMDSv1).
 */
import type { EmulatorModule } from '../context.js';
import { randomToken } from '../ids.js';
import { type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';

export const AWS_METADATA_PATHS = {
  sessionToken: '/latest/api/token',
  zone: '/latest/meta-data/placement/availability-zone',
  credentials: '/latest/meta-data/iam/security-credentials',
} as const;

const MAX_TTL_SECONDS = 21_600;

export const awsMetadata: EmulatorModule = ({ router }) => {
  router.add({
    name: 'aws-imds-token',
    methods: ['PUT'],
    paths: [AWS_METADATA_PATHS.sessionToken],
    handle: sessionToken,
  });
  router.add({
    name: 'aws-imds',
    methods: ['GET'],
    paths: [
      AWS_METADATA_PATHS.zone,
      AWS_METADATA_PATHS.credentials,
      `${AWS_METADATA_PATHS.credentials}/`,
    ],
    prefixes: [`${AWS_METADATA_PATHS.credentials}/`],
    handle: metadata,
  });
};

function text(status: number, body: string): RouteResponse {
  return { status, headers: { 'content-type': 'text/plain' }, body };
}

function sessionToken(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const ttl = Number(request.headers['x-aws-ec2-metadata-token-ttl-seconds']);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) return text(400, 'Bad Request');
  const token = `AQAEA${randomToken(40)}`;
  state.federation.awsInstance.sessionTokens.add(token);
  return text(200, token);
}

function metadata(request: EmulatorRequest, state: EmulatorState): RouteResponse {
  const instance = state.federation.awsInstance;
  const session = request.headers['x-aws-ec2-metadata-token'];
  if (
    instance.requireSessionToken &&
    !(typeof session === 'string' && instance.sessionTokens.has(session))
  ) {
    return text(401, 'Unauthorized');
  }
  if (request.path === AWS_METADATA_PATHS.zone) return text(200, `${instance.region}b`);
  const role = instance.role;
  if (!role) return text(404, 'Not Found');
  const name = request.path.slice(AWS_METADATA_PATHS.credentials.length).replace(/^\//, '');
  if (name === '') return text(200, role.roleName);
  if (name !== role.roleName) return text(404, 'Not Found');
  return {
    status: 200,
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({
      Code: 'Success',
      Type: 'AWS-HMAC',
      AccessKeyId: role.accessKeyId,
      SecretAccessKey: role.secretAccessKey,
      Token: role.sessionToken,
      Expiration: new Date(Date.now() + 6 * 3600_000).toISOString(),
    }),
  };
}
