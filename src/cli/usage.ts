/** The command line was wrong: exit code 2, with a pointer to `--help`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE_LINE =
  'Usage: warrant login | print-access-token | print-identity-token | token-info | revoke | emulator [options]';

export const HELP = `Usage: warrant <command> [options]

Log in as a user and print Google OAuth tokens.

Commands:
  login                  Log in in the browser (or on another device) and store the credentials
    --client-secrets FILE  OAuth client JSON downloaded from the Cloud console (required)
    --scopes LIST          Scopes, comma- or space-separated
                           (default: openid, userinfo.email, cloud-platform)
    --no-browser           Print the login URL instead of opening a browser
    --device               Log in with a code on another device (no browser here)
    --save-adc             Also write Application Default Credentials (gcloud's well-known file)
    --port N               Loopback port for the browser's redirect (default: any free port)
    --timeout SECONDS      How long to wait for the login (default: 300)
    --revoke-uri URL, --token-info-uri URL
                           Saved with the login for 'revoke' and 'token-info' (default: from
                           the client secrets file, else Google's)
  print-access-token     Print an access token (stored login, else Application Default Credentials)
    --scopes LIST          Ask for these scopes (at most those granted at login)
  print-identity-token   Print an OpenID Connect ID token
    --audience AUD         The token's audience (service accounts; a user login's ID token
                           is always for its OAuth client, so it takes no --audience)
  token-info             Print what the token endpoint says about the current access token, as JSON
  revoke                 Revoke the stored login and forget it
  emulator               Run an emulator of Google's auth endpoints until Ctrl-C, writing a
                         service account key, client secrets and ADC files that point at it
    --port N               Port to listen on (default: any free port)
    --dir DIR              Where to write the files (default: ./warrant-emulator)

Endpoint options (for private deployments and emulators):
  --auth-uri URL  --token-uri URL  --device-uri URL  --revoke-uri URL  --token-info-uri URL

Options:
  -h, --help             Show this help
  -v, --version          Show the version

Environment:
  WARRANT_CONFIG_DIR     Where the login is stored (default: ~/.config/warrant)

Exit codes: 0 success, 1 authentication error, 2 usage error, 130 interrupted (Ctrl-C).
`;
