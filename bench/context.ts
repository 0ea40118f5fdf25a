/** What every metric shares: the emulator, key files, and a hermetic environment for children. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRemoteEmulator, type RemoteEmulator } from './remote-emulator.js';

export interface BenchContext {
  /** The emulator, in a process of its own. */
  emulator: RemoteEmulator;
  /** The emulator's service-account key, written to a file (has `project_id`). */
  keyFile: string;
  /** The same key without `project_id`. */
  keyFileWithoutProject: string;
  /** An empty directory used as HOME by children: no gcloud configuration, no ADC file. */
  home: string;
  /**
   * The only environment children get. PATH is an empty directory, so no `gcloud` is found:
   * google-auth-library would otherwise run it for a project id, which adds seconds and is not
   * hermetic.
   */
  childEnv(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function createContext(): Promise<BenchContext> {
  const dir = await mkdtemp(join(tmpdir(), 'warrant-bench-'));
  const home = join(dir, 'home');
  const emptyPath = join(dir, 'bin');
  await Promise.all([mkdir(home), mkdir(emptyPath)]);
  const emulator = await startRemoteEmulator();
  const keyFile = join(dir, 'key.json');
  const keyFileWithoutProject = join(dir, 'key-without-project.json');
  const withoutProject: Record<string, unknown> = { ...emulator.serviceAccountKey };
  delete withoutProject.project_id;
  await Promise.all([
    writeFile(keyFile, JSON.stringify(emulator.serviceAccountKey)),
    writeFile(keyFileWithoutProject, JSON.stringify(withoutProject)),
  ]);
  return {
    emulator,
    keyFile,
    keyFileWithoutProject,
    home,
    childEnv: (extra = {}) => ({ HOME: home, PATH: emptyPath, ...extra }),
    close: async () => {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
