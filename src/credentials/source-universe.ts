import { InvalidOptionsError } from '../errors.js';
import type { Credentials } from './credentials.js';

/**
 * The universe of credentials built on `source` (impersonated, downscoped): `configured` when
 * given, else the source's. A configured universe other than the source's is refused, because
 * the source's token would be sent to the other universe's endpoints.
 */
export async function universeOfSource(
  configured: string | undefined,
  source: Credentials,
  what: string,
): Promise<string> {
  const sourceUniverse = await source.getUniverseDomain();
  if (configured !== undefined && configured !== sourceUniverse) {
    throw new InvalidOptionsError(
      `${what} universeDomain ${configured} is not the universe of the source credentials, ${sourceUniverse} (drop the option, or use source credentials from ${configured})`,
    );
  }
  return sourceUniverse;
}
