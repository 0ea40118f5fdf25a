// A child process for the web-server case: a new process (a restarted server) completes a login
// that another process started, from the client secrets file and the saved state and verifier.
//   finish-login <client_secret.json> <redirect-uri> <state> <code-verifier> <authorization-response-url>
// Prints {"account": ..., "scopes": [...], "valid": true} or {"error": code}.
import { Flow } from '../../src/flows/flow.js';

const [secrets, redirectUri, state, codeVerifier, response] = process.argv.slice(2);
const flow = await Flow.fromClientSecretsFile(secrets, { scopes: 'openid', redirectUri });
try {
  const credentials = await flow.fetchToken(
    { authorizationResponse: response },
    { state, codeVerifier },
  );
  process.stdout.write(
    JSON.stringify({
      account: credentials.toJson().account,
      scopes: credentials.scopes,
      valid: credentials.valid,
    }),
  );
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as { code?: string }).code }));
}
