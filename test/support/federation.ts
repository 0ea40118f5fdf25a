// Shared setup of federation tests: a scratch directory and external_account JSON for the emulator.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../src/testing/index.js';

export const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** A fresh temporary directory. */
export function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'warrant-federation-'));
}

/** Writes `text` to `name` in `dir` and returns the path. */
export async function writeScratch(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, { mode: 0o700 });
  return path;
}

/** An `external_account` JSON for an OIDC provider of the emulator, with `credential_source`. */
export function oidcConfig(
  emulator: Emulator,
  audience: string,
  credentialSource: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'external_account',
    audience,
    subject_token_type: JWT_TYPE,
    token_url: `${emulator.url}/v1/token`,
    credential_source: credentialSource,
    ...extra,
  };
}
