/** The bench's handle on the emulator running in its own process (bench/children/server.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import type { AuthorizedUserJson, ServiceAccountKeyJson } from '../src/testing/index.js';
import { childScript } from './spawn.js';

export interface RemoteEmulator {
  readonly url: string;
  readonly host: string;
  readonly tokenUrl: string;
  readonly certsUrl: string;
  readonly jwksUrl: string;
  readonly serviceAccountKey: ServiceAccountKeyJson;
  readonly authorizedUser: AuthorizedUserJson;
  /** Requests served per route since the last reset, e.g. `token`, `certs`, `jwks`. */
  hits(): Promise<Record<string, number>>;
  resetHits(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  setTokenLifetime(sec: number): Promise<void>;
  /** The email of a service account the emulator's own account may impersonate. */
  impersonationTarget(): Promise<string>;
  stop(): Promise<void>;
}

export async function startRemoteEmulator(): Promise<RemoteEmulator> {
  const child: ChildProcess = fork(childScript('server'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (result: unknown) => void>();
  child.on('message', ({ id, result }: { id: number; result: unknown }) => {
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  let next = 1;
  const ask = <T>(op: string, value?: number): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (result: unknown) => void);
      child.send({ id, op, value });
    });
  const info = await new Promise<
    Omit<
      RemoteEmulator,
      'hits' | 'resetHits' | 'setLatency' | 'setTokenLifetime' | 'impersonationTarget' | 'stop'
    >
  >((resolve, reject) => {
    waiting.set(0, resolve as (result: unknown) => void);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench: the emulator process exited (${code})`)));
  });
  child.removeAllListeners('exit');
  return {
    ...info,
    hits: () => ask('hits'),
    resetHits: () => ask('resetHits'),
    setLatency: (ms) => ask('setLatency', ms),
    setTokenLifetime: (sec) => ask('setTokenLifetime', sec),
    impersonationTarget: () => ask('impersonationTarget'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ id: -1, op: 'stop' });
      }),
  };
}
