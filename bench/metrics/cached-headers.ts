/**
 * The cached header path: `getRequestHeaders(url)` on a client whose token is fresh, the call
 * every API request makes, with the authorization header read from what it returns. Floor: a
 * Map lookup plus an expiry check in an async function.
 */
import type { BenchContext } from '../context.js';
import { galServiceAccount, warrantServiceAccount } from '../service-account-clients.js';
import { atLeastTimesGal, failureOf, measured, notAvailable, type Row } from '../report.js';
import { opsPerSecond, type BatchPlan, type Operation } from '../stats.js';

const API_URL = 'https://storage.googleapis.com/storage/v1/b?project=p';

const PLAN: BatchPlan = {
  warmupOps: 5_000,
  batchMs: 100,
  maxOps: 10_000_000,
  repetitions: 7,
  chunk: 64,
};

export async function cachedHeaders(context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const warrant = warrantServiceAccount(emulator);
  const gal = galServiceAccount(emulator);
  const tokens = new Map([
    ['default', { token: 'ya29.cached', expiresAt: Date.now() + 3_600_000 }],
  ]);
  const floor = async (_url: string): Promise<string> => {
    const entry = tokens.get('default');
    if (entry !== undefined && Date.now() < entry.expiresAt) return entry.token;
    throw new Error('floor token expired');
  };
  // Not a floor, a reference: what building the Headers object every call costs on this Node.
  const floorWithHeaders = async (url: string): Promise<Headers> =>
    new Headers({ authorization: `Bearer ${await floor(url)}` });

  // Each loop reads the header it gets, as a caller sending a request must.
  const contenders = {
    warrant: async () => (await warrant.getRequestHeaders(API_URL)).get('authorization'),
    gal: async () => (await gal.getRequestHeaders(API_URL)).get('authorization'),
  };
  const failures = {
    warrant: await failureOf(() => sameTokenTwice(contenders.warrant)),
    gal: await failureOf(() => sameTokenTwice(contenders.gal)),
  };
  const operations: Record<string, Operation> = {
    floor: () => floor(API_URL),
    floorWithHeaders: () => floorWithHeaders(API_URL),
  };
  if (!failures.warrant) operations.warrant = contenders.warrant;
  if (!failures.gal) operations.gal = contenders.gal;

  await emulator.resetHits();
  const rates = await opsPerSecond(operations, PLAN);
  // A cached path that mints tokens is not a cached path.
  const minted = (await emulator.hits()).token;
  const result = (name: 'warrant' | 'gal') => {
    const failure = failures[name];
    if (failure) return notAvailable(failure);
    if (minted > 0) return notAvailable(`minted ${minted} tokens during the timed run`);
    return measured(rates[name]);
  };
  const row: Row = {
    id: 'headers.cached',
    metric: 'cached getRequestHeaders(url)',
    unit: 'ops/s',
    better: 'higher',
    warrant: result('warrant'),
    gal: result('gal'),
    floor: measured(
      rates.floor,
      `Map.get + Date.now() expiry check in an async function; the same plus new Headers({authorization}) runs at ${Math.round(rates.floorWithHeaders.median).toLocaleString('en-US')} ops/s`,
    ),
  };
  return [{ ...row, target: atLeastTimesGal(4, row.warrant, row.gal) }];
}

/** The first call fetches a token; the second must serve the same one from the cache. */
async function sameTokenTwice(call: () => Promise<string | null>): Promise<void> {
  const first = await call();
  const second = await call();
  if (!first?.startsWith('Bearer ya29.') || first !== second) {
    throw new Error('headers did not carry one cached bearer token');
  }
}
