/**
 * Token mints per second, forced (every call really reaches the token endpoint, which is
 * checked with the emulator's hit counter): service-account JWT-bearer at 0 and 5 ms of
 * emulator latency, and the user refresh-token grant.
 */
import { UserRefreshClient } from 'google-auth-library';
import { UserCredentials } from '../../src/index.js';
import type { BenchContext } from '../context.js';
import { galServiceAccount, warrantServiceAccount } from '../service-account-clients.js';
import { mintAccessToken, parseKey, postForm } from '../floor.js';
import { CLOUD_PLATFORM } from '../gal.js';
import {
  failureOf,
  measured,
  notAvailable,
  withinFloor,
  type Row,
  atLeastTimesGal,
  both,
} from '../report.js';
import { opsPerSecond, type BatchPlan, type Operation } from '../stats.js';

const PLAN: BatchPlan = { warmupOps: 300, batchMs: 200, maxOps: 100_000, repetitions: 7, chunk: 1 };
/** Calls each operation this many times first and expects exactly as many token-endpoint hits. */
const HIT_CHECK = 3;

type Contender = 'warrant' | 'gal' | 'floor';

export async function serviceAccountMint(context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const key = emulator.serviceAccountKey;
  const warrant = warrantServiceAccount(emulator);
  const gal = galServiceAccount(emulator);
  const parsed = parseKey(key);
  const operations: Record<Contender, Operation> = {
    warrant: () => warrant.refresh(),
    // gal has no "force": authorize() mints only when its cached token is expiring, so the
    // cached token is marked expired first, as an expired token would be.
    gal: () => {
      gal.credentials.expiry_date = 1;
      return gal.authorize();
    },
    floor: () => mintAccessToken(parsed, emulator.tokenUrl, CLOUD_PLATFORM),
  };
  const rows: Row[] = [];
  for (const latencyMs of [0, 5]) {
    await emulator.setLatency(latencyMs);
    try {
      rows.push(
        await mintRow(context, operations, {
          id: `mint.sa.${latencyMs}ms`,
          metric: `service-account token mint, emulator latency ${latencyMs} ms`,
          floorNote: 'RS256 sign with a pre-parsed KeyObject + one keep-alive node:http POST',
          factor: 1.2,
        }),
      );
    } finally {
      await emulator.setLatency(0);
    }
  }
  return rows;
}

export async function userMint(context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const user = emulator.authorizedUser;
  const warrant = UserCredentials.fromJson(user);
  const gal = new UserRefreshClient({
    clientId: user.client_id,
    clientSecret: user.client_secret,
    refreshToken: user.refresh_token,
    endpoints: { oauth2TokenUrl: emulator.tokenUrl },
  });
  const form = {
    grant_type: 'refresh_token',
    client_id: user.client_id,
    client_secret: user.client_secret,
    refresh_token: user.refresh_token,
  };
  const operations: Record<Contender, Operation> = {
    warrant: () => warrant.refresh(),
    gal: () => gal.refreshAccessToken(),
    floor: () => postForm(emulator.tokenUrl, form),
  };
  return [
    await mintRow(context, operations, {
      id: 'mint.user.0ms',
      metric: 'user refresh-token mint, emulator latency 0 ms',
      floorNote: 'one keep-alive node:http POST of the same form',
      factor: 1.2,
      galFactor: 1.5,
    }),
  ];
}

async function mintRow(
  { emulator }: BenchContext,
  operations: Record<Contender, Operation>,
  spec: { id: string; metric: string; floorNote: string; factor: number; galFactor?: number },
): Promise<Row> {
  const failures: Partial<Record<Contender, string>> = {};
  for (const name of Object.keys(operations) as Contender[]) {
    failures[name] = await failureOf(async () => {
      await emulator.resetHits();
      for (let i = 0; i < HIT_CHECK; i++) await operations[name]();
      if ((await emulator.hits()).token !== HIT_CHECK) {
        throw new Error(
          `${HIT_CHECK} calls reached the token endpoint ${(await emulator.hits()).token} times`,
        );
      }
    });
  }
  const timed = Object.fromEntries(
    Object.entries(operations).filter(([name]) => !failures[name as Contender]),
  );
  const rates = await opsPerSecond(timed, PLAN);
  const result = (name: Contender) => {
    const failure = failures[name];
    return failure ? notAvailable(failure) : measured(rates[name]);
  };
  const floor = { ...result('floor'), note: spec.floorNote };
  const warrant = result('warrant');
  return {
    id: spec.id,
    metric: spec.metric,
    unit: 'ops/s',
    better: 'higher',
    warrant,
    gal: result('gal'),
    floor,
    target:
      spec.galFactor === undefined
        ? withinFloor(spec.factor, warrant, floor)
        : both(
            withinFloor(spec.factor, warrant, floor),
            atLeastTimesGal(spec.galFactor, warrant, result('gal')),
          ),
  };
}
