/**
 * Constructing credentials from a service-account key: 10,000 objects from the same parsed JSON,
 * as a server building one client per tenant or request does. google-auth-library through the
 * `JWT` constructor, which its `fromJSON` (deprecated, and printing a warning per call) names as
 * the replacement.
 */
import { JWT } from 'google-auth-library';
import { ServiceAccountCredentials } from '../../src/index.js';
import type { BenchContext } from '../context.js';
import { atMostTimesGal, measured, type Row } from '../report.js';
import { nowMs, repeatInterleaved } from '../stats.js';

const OBJECTS = 10_000;
const REPETITIONS = 7;

export async function constructCredentials(context: BenchContext): Promise<Row[]> {
  const key = context.emulator.serviceAccountKey;
  const build = {
    warrant: () => ServiceAccountCredentials.fromJson(key),
    gal: () =>
      new JWT({ email: key.client_email, key: key.private_key, keyId: key.private_key_id }),
  };
  // Both must build usable clients: one of each gets a token first (outside the timing).
  await build
    .warrant()
    .withScopes(['https://www.googleapis.com/auth/cloud-platform'])
    .getAccessToken();
  const times = await repeatInterleaved(['warrant', 'gal'] as const, REPETITIONS, async (lib) => {
    const keep: unknown[] = [];
    const start = nowMs();
    for (let i = 0; i < OBJECTS; i++) keep.push(build[lib]());
    return nowMs() - start;
  });
  const warrant = measured(times.warrant);
  const gal = measured(times.gal);
  return [
    {
      id: 'construct.sa.10k',
      metric: `constructing ${OBJECTS.toLocaleString('en-US')} credentials from one service-account key`,
      unit: 'ms',
      better: 'lower',
      warrant,
      gal,
      target: atMostTimesGal(1, warrant, gal),
    },
  ];
}
