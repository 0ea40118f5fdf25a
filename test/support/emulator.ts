import { createServer } from 'node:net';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/testing/index.js';

/** Starts an emulator before the suite and stops it after; faults and hits reset between tests. */
export function useEmulator(options: EmulatorOptions = {}): { readonly current: Emulator } {
  const holder = {} as { current: Emulator };
  before(async () => {
    holder.current = await startEmulator(options);
  });
  afterEach(() => {
    holder.current.clearFaults();
    holder.current.resetHits();
    holder.current.setLatency(options.latencyMs ?? 0);
  });
  after(async () => {
    await holder.current?.stop();
  });
  return holder;
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Retries fast so fault tests take milliseconds, not seconds. */
export const FAST_HTTP = {
  timeoutMs: 2000,
  retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
};
