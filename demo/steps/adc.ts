import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizedClient, DefaultCredentialsResolver } from '../../src/index.js';
import { configureMetadata } from '../../src/testing/index.js';
import { CLOUD_PLATFORM, type Step } from '../tour.js';

export const applicationDefaultCredentials: Step = {
  title: 'Application Default Credentials: on a "cloud VM", then with a key file',
  explain:
    'ADC: one call finds the credentials of wherever the program runs (key file, gcloud login, metadata server). The environment is passed in, so yours is untouched.',
  file: 'steps/adc.ts',
  async run({ emulator, show, check }) {
    const home = await mkdtemp(join(tmpdir(), 'warrant-demo-'));
    try {
      // The emulator plays the metadata server that every Google Cloud VM has.
      configureMetadata(emulator, { projectId: 'demo-vm-project' });
      const onCloud = new DefaultCredentialsResolver({
        env: { HOME: home, GCE_METADATA_HOST: emulator.host },
        homedir: home,
      });
      const vm = await onCloud.resolve({ scopes: [CLOUD_PLATFORM] });
      const vmEcho = await new AuthorizedClient(vm.credentials).fetch(emulator.echoUrl);
      show('found', `${vm.source} (${vm.credentials.type}), project ${vm.projectId}`);
      show('echo API', `HTTP ${vmEcho.status}`);

      const keyFile = join(home, 'key.json');
      await writeFile(keyFile, JSON.stringify(emulator.serviceAccountKey), { mode: 0o600 });
      const laptop = new DefaultCredentialsResolver({
        env: { HOME: home, GOOGLE_APPLICATION_CREDENTIALS: keyFile },
        homedir: home,
      });
      const withKey = await laptop.resolve({ scopes: [CLOUD_PLATFORM] });
      const keyEcho = await new AuthorizedClient(withKey.credentials).fetch(emulator.echoUrl);
      show(
        'found',
        `${withKey.source} (${withKey.credentials.type}), project ${withKey.projectId}`,
      );
      show('echo API', `HTTP ${keyEcho.status}`);
      check(vmEcho.status === 200 && keyEcho.status === 200, 'ADC credentials call the API');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  },
};
