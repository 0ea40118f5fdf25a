/**
 * The fleet metric's emulator, in a process of its own so 32 workers do not share a CPU with it
 * and the parent. Prints one JSON line `{url, keys}`, then answers IPC messages:
 * `{cmd: 'hits'}` → `{hits}` (token-endpoint requests since the last reset, then resets),
 * `{cmd: 'latency', ms}`, `{cmd: 'stop'}`.
 *   emulator-process <tokenLifetimeSec> <identities>
 */
import { startEmulator } from '../../src/testing/index.js';

const [lifetime, identities] = process.argv.slice(2).map(Number);
const emulator = await startEmulator({ tokenLifetimeSec: lifetime });
const keys = [
  emulator.serviceAccountKey,
  ...Array.from({ length: identities - 1 }, () => emulator.createServiceAccount()),
];
process.on('message', (message: { cmd: string; ms?: number }) => {
  if (message.cmd === 'hits') {
    const hits = emulator.hits.token;
    emulator.resetHits();
    process.send?.({ hits });
  } else if (message.cmd === 'latency') {
    emulator.setLatency(message.ms ?? 0);
    process.send?.({ ok: true });
  } else if (message.cmd === 'stop') {
    void emulator.stop().then(() => process.exit(0));
  }
});
process.send?.({ url: emulator.url, keys });
