/**
 * ID-token verification per second with the signing keys already cached. The token is a real
 * one from the emulator (JWT-bearer grant with `target_audience`), signed with the key the
 * emulator publishes at /oauth2/v1/certs and /oauth2/v3/certs. Floor: `crypto.verify` of the
 * same token with a pre-parsed KeyObject (the token already split and decoded).
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { OAuth2Client } from 'google-auth-library';
import { IdTokenVerifier } from '../../src/index.js';
import type { BenchContext } from '../context.js';
import { mintIdToken, parseKey } from '../floor.js';
import { withinFloor, failureOf, measured, notAvailable, type Row } from '../report.js';
import { opsPerSecond, type BatchPlan, type Operation } from '../stats.js';

const AUDIENCE = 'https://hello-abc123-uc.a.run.app';

const PLAN: BatchPlan = {
  warmupOps: 500,
  batchMs: 150,
  maxOps: 1_000_000,
  repetitions: 7,
  chunk: 16,
};

export async function verifyIdTokens(context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const idToken = await mintIdToken(
    parseKey(emulator.serviceAccountKey),
    emulator.tokenUrl,
    AUDIENCE,
  );
  const email = emulator.serviceAccountKey.client_email;

  const [headerPart, payloadPart, signaturePart] = idToken.split('.');
  const { kid } = JSON.parse(Buffer.from(headerPart, 'base64url').toString()) as { kid: string };
  const jwks = (await (await fetch(emulator.jwksUrl)).json()) as {
    keys: (JsonWebKey & { kid: string })[];
  };
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`the emulator's JWKS has no key ${kid}`);
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const floor = async () => {
    if (!verify('sha256', signingInput, publicKey, signature)) {
      throw new Error('floor: bad signature');
    }
  };

  const warrantVerifier = new IdTokenVerifier();
  const gal = new OAuth2Client({
    endpoints: {
      oauth2FederatedSignonPemCertsUrl: emulator.certsUrl,
      oauth2FederatedSignonJwkCertsUrl: emulator.jwksUrl,
    },
  });
  const contenders: Record<'warrant' | 'gal', Operation> = {
    warrant: async () => {
      const verified = await warrantVerifier.verify(idToken, {
        audience: AUDIENCE,
        jwksUrl: emulator.jwksUrl,
      });
      if (verified.email !== email) throw new Error('warrant verified the wrong claims');
    },
    gal: async () => {
      const ticket = await gal.verifyIdToken({ idToken, audience: AUDIENCE });
      if (ticket.getPayload()?.email !== email) throw new Error('gal verified the wrong claims');
    },
  };
  // The first call fetches the keys; after it nothing may reach the key endpoints.
  const failures = {
    warrant: await failureOf(contenders.warrant),
    gal: await failureOf(contenders.gal),
  };
  const operations: Record<string, Operation> = { floor };
  if (!failures.warrant) operations.warrant = contenders.warrant;
  if (!failures.gal) operations.gal = contenders.gal;
  await emulator.resetHits();
  const rates = await opsPerSecond(operations, PLAN);
  const keyFetches = (await emulator.hits()).certs + (await emulator.hits()).jwks;
  const result = (name: 'warrant' | 'gal') => {
    const failure = failures[name];
    if (failure) return notAvailable(failure);
    if (keyFetches > 0)
      return notAvailable(`fetched keys ${keyFetches} times during the timed run`);
    return measured(rates[name]);
  };
  const warrant = result('warrant');
  const floorResult = measured(rates.floor, 'crypto.verify with a pre-parsed KeyObject');
  return [
    {
      id: 'verify.id-token',
      metric: 'ID-token verification, keys cached',
      unit: 'ops/s',
      better: 'higher',
      warrant,
      gal: result('gal'),
      floor: floorResult,
      target: withinFloor(1.15, warrant, floorResult),
    },
  ];
}
