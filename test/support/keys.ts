import { generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface TestKey {
  privateKeyPem: string;
  publicKey: KeyObject;
}

/** Generates a key pair for a test: RSA 2048 (RS256) or EC P-256 (ES256). */
export function generateTestKey(kind: 'rsa' | 'ec' = 'rsa'): TestKey {
  const { privateKey, publicKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey,
  };
}

/** A Google-shaped service-account JSON key around `key`. */
export function serviceAccountJson(key: TestKey, overrides: Record<string, unknown> = {}) {
  return {
    type: 'service_account',
    project_id: 'test-project',
    private_key_id: 'test-key-id',
    private_key: key.privateKeyPem,
    client_email: 'robot@test-project.iam.gserviceaccount.com',
    client_id: '1234567890',
    token_uri: 'https://oauth2.example.test/token',
    ...overrides,
  };
}

/** Splits a compact JWT into its decoded header and claims (no verification). */
export function decodeJwt(jwt: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [header, claims] = jwt
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, claims };
}
