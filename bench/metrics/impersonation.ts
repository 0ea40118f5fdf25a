/**
 * Service-account impersonation through the emulator's IAM Credentials API, side by side with
 * google-auth-library's `Impersonated`: forced token mints per second (every call reaches
 * generateAccessToken, checked with the hit counter), and IAM calls made by 200 concurrent
 * callers on cold credentials, for access tokens and for ID tokens.
 */
import { IdTokenClient, Impersonated } from 'google-auth-library';
import { IdTokenCredentials, ImpersonatedCredentials } from '../../src/index.js';
import type { BenchContext } from '../context.js';
import { postJson } from '../floor.js';
import { CLOUD_PLATFORM } from '../gal.js';
import {
  describeError,
  exactlyEveryTime,
  failureOf,
  measured,
  notAvailable,
  withinFloor,
  type Measured,
  type Row,
} from '../report.js';
import { galServiceAccount, warrantServiceAccount } from '../service-account-clients.js';
import { opsPerSecond, summarize, type BatchPlan, type Operation } from '../stats.js';

const PLAN: BatchPlan = { warmupOps: 300, batchMs: 200, maxOps: 100_000, repetitions: 7, chunk: 1 };
const HIT_CHECK = 3;
const CALLERS = 200;
const RUNS = 3;

type Lib = 'warrant' | 'gal';

interface Clients {
  target: string;
  warrant: () => ImpersonatedCredentials;
  gal: () => Impersonated;
}

async function clients({ emulator }: BenchContext): Promise<Clients> {
  const email = await emulator.impersonationTarget();
  return {
    target: email,
    warrant: () =>
      new ImpersonatedCredentials({
        sourceCredentials: warrantServiceAccount(emulator),
        targetPrincipal: email,
        scopes: [CLOUD_PLATFORM],
        iamEndpoint: emulator.url,
      }),
    gal: () =>
      withoutWarnings(
        () =>
          new Impersonated({
            sourceClient: galServiceAccount(emulator),
            targetPrincipal: email,
            targetScopes: [CLOUD_PLATFORM],
            endpoint: emulator.url,
          }),
      ),
  };
}

/** gal's constructor prints a paragraph about untrusted configurations each time; not measured. */
function withoutWarnings<T>(build: () => T): T {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return build();
  } finally {
    console.warn = warn;
  }
}

export async function impersonation(context: BenchContext): Promise<Row[]> {
  return [await mint(context), ...(await bursts(context))];
}

async function mint(context: BenchContext): Promise<Row> {
  const { emulator } = context;
  const made = await clients(context);
  const warrant = made.warrant();
  const gal = made.gal();
  const source = warrantServiceAccount(emulator);
  const url = `${emulator.url}/v1/projects/-/serviceAccounts/${made.target}:generateAccessToken`;
  const body = { scope: [CLOUD_PLATFORM], lifetime: '3600s' };
  const operations: Record<Lib | 'floor', Operation> = {
    warrant: () => warrant.refresh(),
    // gal has no "force": its cached token is marked expired first, as an expired token would be.
    gal: () => {
      gal.credentials.expiry_date = 1;
      return gal.getAccessToken();
    },
    floor: async () => {
      await postJson(url, body, { authorization: `Bearer ${await source.getAccessToken()}` });
    },
  };
  const failures: Partial<Record<Lib | 'floor', string>> = {};
  for (const name of Object.keys(operations) as (Lib | 'floor')[]) {
    failures[name] = await failureOf(async () => {
      await operations[name]();
      await emulator.resetHits();
      for (let i = 0; i < HIT_CHECK; i++) await operations[name]();
      const hits = (await emulator.hits()).generateAccessToken;
      if (hits !== HIT_CHECK) throw new Error(`${HIT_CHECK} mints reached IAM ${hits} times`);
    });
  }
  const timed = Object.fromEntries(
    Object.entries(operations).filter(([name]) => !failures[name as Lib | 'floor']),
  );
  const rates = await opsPerSecond(timed, PLAN);
  const result = (name: Lib | 'floor'): Measured => {
    const failure = failures[name];
    return failure ? notAvailable(failure) : measured(rates[name]);
  };
  const floor = {
    ...result('floor'),
    note: 'one keep-alive node:http POST to generateAccessToken (source token cached)',
  };
  const warrantRate = result('warrant');
  return {
    id: 'impersonation.mint',
    metric: 'impersonated token mint (IAM generateAccessToken), emulator latency 0 ms',
    unit: 'ops/s',
    better: 'higher',
    warrant: warrantRate,
    gal: result('gal'),
    floor,
    target: withinFloor(1.3, warrantRate, floor),
  };
}

interface HeadersSource {
  getRequestHeaders(): Promise<unknown>;
}

/** IAM hits of `route` when CALLERS call a fresh client at once, over RUNS runs. */
async function burstHits(
  context: BenchContext,
  route: string,
  fresh: () => HeadersSource,
): Promise<Measured> {
  const hits: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const client = fresh();
      await context.emulator.resetHits();
      await Promise.all(Array.from({ length: CALLERS }, () => client.getRequestHeaders()));
      hits.push((await context.emulator.hits())[route]);
    }
  } catch (error) {
    return notAvailable(describeError(error));
  }
  return measured(summarize(hits), `hits per run ${hits.join(', ')}`);
}

async function bursts(context: BenchContext): Promise<Row[]> {
  const made = await clients(context);
  const audience = `${context.emulator.url}/run`;
  const access = {
    warrant: await burstHits(context, 'generateAccessToken', made.warrant),
    gal: await burstHits(context, 'generateAccessToken', made.gal),
  };
  const id = {
    warrant: await burstHits(
      context,
      'generateIdToken',
      () => new IdTokenCredentials({ sourceCredentials: made.warrant(), audience }),
    ),
    gal: await burstHits(
      context,
      'generateIdToken',
      () => new IdTokenClient({ idTokenProvider: made.gal(), targetAudience: audience }),
    ),
  };
  return [
    {
      id: 'impersonation.burst.hits',
      metric: `${CALLERS} concurrent getRequestHeaders(), cold impersonated credentials: IAM calls`,
      unit: 'hits',
      better: 'lower',
      ...access,
      target: exactlyEveryTime(1, access.warrant),
    },
    {
      id: 'impersonation.id-burst.hits',
      metric: `${CALLERS} concurrent getRequestHeaders(), cold impersonated ID-token credentials: IAM calls`,
      unit: 'hits',
      better: 'lower',
      ...id,
      target: exactlyEveryTime(1, id.warrant),
    },
  ];
}
