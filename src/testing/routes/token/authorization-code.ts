/**
 * The authorization-code grant (RFC 6749 §4.1.3) with PKCE (RFC 7636). Codes come from
 * `state.issueAuthorizationCode`, which an authorization endpoint (or a test) calls.
 */
import { createHash } from 'node:crypto';
import type { EmulatorModule } from '../../context.js';
import { OAuthError } from '../../google-errors.js';
import type { AuthorizationCodeRecord } from '../../state.js';
import { authenticateClient } from './client-auth.js';
import { userLoginTokens, type GrantHandler } from './grant.js';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;

export const authorizationCodeGrant: EmulatorModule = ({ grants }) => {
  grants.set('authorization_code', exchangeCode);
};

const exchangeCode: GrantHandler = async (request, state) => {
  const client = authenticateClient(request, state);
  // Redeeming removes the code, so a second attempt fails whatever became of the first.
  const record = state.redeemAuthorizationCode(request.params.require('code'));
  if (!record || record.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'Bad Request');
  }
  if (request.params.get('redirect_uri') !== record.redirectUri) {
    throw new OAuthError('redirect_uri_mismatch', 'Bad Request');
  }
  checkVerifier(record, request.params.get('code_verifier'));

  return userLoginTokens(state, client.clientId, record.user, record.scopes, {
    issuer: record.issuer,
    nonce: record.nonce,
  });
};

function checkVerifier(record: AuthorizationCodeRecord, verifier: string | undefined): void {
  if (record.codeChallenge === undefined) {
    if (verifier !== undefined) {
      throw new OAuthError('invalid_grant', 'code_verifier or verifier is not needed.');
    }
    return;
  }
  if (verifier === undefined) throw new OAuthError('invalid_grant', 'Missing code verifier.');
  const derived =
    record.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  if (!VERIFIER_SYNTAX.test(verifier) || derived !== record.codeChallenge) {
    throw new OAuthError('invalid_grant', 'Invalid code verifier.');
  }
}
