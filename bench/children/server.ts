/**
 * The emulator in a process of its own, so its CPU never lands on the process being measured.
 * Started by bench/remote-emulator.ts over an IPC channel: prints nothing, answers commands.
 */
import { startEmulator } from '../../src/testing/index.js';

const emulator = await startEmulator();

type Command =
  | { id: number; op: 'hits' | 'resetHits' | 'stop' | 'impersonationTarget' }
  | { id: number; op: 'setLatency' | 'setTokenLifetime'; value: number };

/** A service account the emulator's own account may impersonate (Token Creator granted). */
function impersonationTarget(): string {
  const email = `bench-target@${emulator.state.projectId}.iam.gserviceaccount.com`;
  if (!emulator.state.serviceAccounts.has(email)) {
    emulator.createServiceAccount({ email });
    emulator.grantTokenCreator(emulator.serviceAccountKey.client_email, email);
  }
  return email;
}

process.on('message', (command: Command) => {
  let result: unknown;
  if (command.op === 'hits') result = { ...emulator.hits };
  else if (command.op === 'resetHits') emulator.resetHits();
  else if (command.op === 'setLatency') emulator.setLatency(command.value);
  else if (command.op === 'setTokenLifetime') emulator.setTokenLifetime(command.value);
  else if (command.op === 'impersonationTarget') result = impersonationTarget();
  else if (command.op === 'stop') {
    void emulator.stop().then(() => process.disconnect());
    return;
  }
  process.send!({ id: command.id, result });
});

process.send!({
  id: 0,
  result: {
    url: emulator.url,
    host: emulator.host,
    tokenUrl: emulator.tokenUrl,
    certsUrl: emulator.certsUrl,
    jwksUrl: emulator.jwksUrl,
    serviceAccountKey: emulator.serviceAccountKey,
    authorizedUser: emulator.authorizedUser,
  },
});
