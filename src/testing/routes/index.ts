/**
 * The modules every emulator installs, in order. A new endpoint family is a file in this
 * folder exporting an `EmulatorModule`, added to this list.
 */
import type { EmulatorModule } from '../context.js';
import { certificates } from './certs.js';
import { cloudRunService } from './cloud-run.js';
import { echoApi } from './echo.js';
import { gdchTokenEndpoint } from './gdch.js';
import { iamCredentialsApi } from './iam-credentials.js';
import { iapKeys } from './iap.js';
import { metadataServer } from './metadata.js';
import { awsMetadata } from './aws-metadata.js';
import { resourceManagerProjects } from './resource-manager.js';
import { securityTokenService } from './sts.js';
import { workforceUserEndpoints } from './sts-users.js';
import { authorizationCodeGrant } from './token/authorization-code.js';
import { clientCredentialsGrant } from './token/client-credentials.js';
import { tokenEndpoint } from './token/endpoint.js';
import { jwtBearerGrant } from './token/jwt-bearer.js';
import { refreshTokenGrant } from './token/refresh-token.js';
import { userLoginRoutes } from './user-login.js';

export const routeModules: readonly EmulatorModule[] = [
  tokenEndpoint,
  jwtBearerGrant,
  refreshTokenGrant,
  authorizationCodeGrant,
  clientCredentialsGrant,
  certificates,
  echoApi,
  iapKeys,
  cloudRunService,
  userLoginRoutes,
  metadataServer,
  iamCredentialsApi,
  securityTokenService,
  workforceUserEndpoints,
  awsMetadata,
  gdchTokenEndpoint,
  // After IAM, whose /v1/projects/-/serviceAccounts/... paths it would otherwise take.
  resourceManagerProjects,
];
