/**
 * ID-token verification per second with the signing keys already cached. The token is a real
 * one from the emulator (JWT-bearer grant with `target_audience`), signed with the key the
 * emulator publishes at /oauth2/v1/certs and /oauth2/v3/certs. Floor: the least any correct
 * verifier does per token: split it, base64url-decode and JSON.parse header and payload, look
 * the `kid` up among pre-parsed KeyObjects, `crypto.verify` the signature, and check `alg`,
 * `exp`, `aud` and `iss`.
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

  const jwks = (await (await fetch(emulator.jwksUrl)).json()) as {
    keys: (JsonWebKey & { kid: string })[];
  };
  const publicKeys = new Map(
    jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]),
  );
  const issuers = new Set(['accounts.google.com', 'https://accounts.google.com']);
  const floor = async () => {
    const parts = idToken.split('.');
    if (parts.length !== 3) throw new Error('floor: not a JWS');
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as {
      alg?: string;
      kid?: string;
    };
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as {
      exp?: number;
      aud?: string;
      iss?: string;
      email?: string;
    };
    const publicKey = header.kid === undefined ? undefined : publicKeys.get(header.kid);
    if (header.alg !== 'RS256' || !publicKey) throw new Error('floor: unknown key');
    const signingInput = Buffer.from(idToken.slice(0, parts[0].length + parts[1].length + 1));
    if (!verify('sha256', signingInput, publicKey, Buffer.from(parts[2], 'base64url'))) {
      throw new Error('floor: bad signature');
    }
    if (
      typeof claims.exp !== 'number' ||
      claims.exp * 1000 <= Date.now() ||
      claims.aud !== AUDIENCE ||
      !issuers.has(claims.iss ?? '')
    ) {
      throw new Error('floor: claims rejected');
    }
    if (claims.email !== email) throw new Error('floor verified the wrong claims');
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
  const floorResult = measured(
    rates.floor,
    'split, base64url-decode + JSON.parse header and payload, pre-parsed KeyObject by kid, crypto.verify, alg/exp/aud/iss check',
  );
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
