import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOUD_PLATFORM, preview, runNode, type Step } from '../tour.js';

/** The built `warrant` command (package.json "bin"), next to this demo in dist/. */
const WARRANT = fileURLToPath(new URL('../../bundle/cli.js', import.meta.url));

export const cli: Step = {
  title: 'The warrant command: tokens for scripts and curl',
  explain:
    "warrant print-access-token / print-identity-token use the same ADC search; here GOOGLE_APPLICATION_CREDENTIALS names the emulator's key.",
  file: 'steps/cli.ts',
  async run({ emulator, show, check }) {
    const home = await mkdtemp(join(tmpdir(), 'warrant-demo-cli-'));
    try {
      const keyFile = join(home, 'key.json');
      await writeFile(keyFile, JSON.stringify(emulator.serviceAccountKey), { mode: 0o600 });
      const env = {
        PATH: process.env.PATH,
        HOME: home,
        GOOGLE_APPLICATION_CREDENTIALS: keyFile,
        METADATA_SERVER_DETECTION: 'none',
      };
      const accessToken = await runNode(
        [WARRANT, 'print-access-token', '--scopes', CLOUD_PLATFORM],
        { env },
      );
      show('$ warrant print-access-token', preview(accessToken));
      const audience = `${emulator.url}/run`;
      const idToken = await runNode([WARRANT, 'print-identity-token', '--audience', audience], {
        env,
      });
      show('$ warrant print-identity-token', preview(idToken));

      const echo = await fetch(emulator.echoUrl, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      show('curl-style', `HTTP ${echo.status} with the printed access token`);
      check(echo.status === 200 && idToken.split('.').length === 3, 'the CLI printed tokens');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  },
};
