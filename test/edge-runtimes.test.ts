// warrant's edge entry in the real runtimes, loaded as users load it there: through package.json's
// export conditions from a project depending on warrant, bundled with esbuild for workerd and
// Chromium. Each mints service-account tokens against the emulator, federates (a URL subject
// token and AWS credentials through STS), impersonates and signs through IAM, calls its API,
// verifies a Google ID token and an IAP JWT, and drives the generic OAuth provider; Chromium
// only verifies (see docs/edge.md).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { useEmulator } from './support/emulator.js';
import {
  assertScenario,
  assertVerified,
  CHROMIUM,
  checkEdgeBuild,
  edgeRuntimesEnabled,
  runtimeBinary,
  SCENARIO,
  scenarioInput,
  subjectTokenEndpoint,
  userProject,
  type ScenarioInput,
} from './support/edge-runtimes.js';

const run = promisify(execFile);
const RUN_LIMIT = { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 };

/** The scenario's JSON result, the one line the script prints starting with `{`. */
function resultOf(stdout: string): Parameters<typeof assertScenario>[0] {
  const line = stdout.split('\n').find((text) => text.startsWith('{"runs"'));
  assert.ok(line, `no result in the runtime's output:\n${stdout}`);
  return JSON.parse(line) as Parameters<typeof assertScenario>[0];
}

/** A script for Deno and Bun: import warrant by name, run the scenario, print the result. */
async function writeMain(dir: string, input: ScenarioInput): Promise<string> {
  const main = join(dir, 'main.js');
  await writeFile(
    main,
    `import * as warrant from 'warrant';
import { runScenario } from ${JSON.stringify(SCENARIO)};
console.log(JSON.stringify(await runScenario(warrant, ${JSON.stringify(input)})));
`,
  );
  return main;
}

/** Bundles `entry` as wrangler or a browser app would, with the runtime's export conditions. */
async function bundle(entry: string, outfile: string, conditions: string[]): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions,
    logLevel: 'silent',
  });
}

// Registered in one CI run only (see test/support/edge-runtimes.ts), never skipped.
if (edgeRuntimesEnabled)
  describe('the edge entry in real runtimes', function () {
    this.timeout(180_000);
    const emulator = useEmulator();
    let project: Awaited<ReturnType<typeof userProject>>;
    let input: ScenarioInput;
    let subjectTokens: Awaited<ReturnType<typeof subjectTokenEndpoint>>;

    before(async () => {
      checkEdgeBuild();
      project = await userProject();
      subjectTokens = await subjectTokenEndpoint();
    });
    beforeEach(async () => {
      input = await scenarioInput(emulator.current, subjectTokens);
      emulator.current.resetHits();
    });
    after(async () => {
      await project?.remove();
      await subjectTokens?.close();
    });

    it('workerd without nodejs_compat: mints, federates (URL and AWS sources), impersonates, signs, calls the API, verifies, runs the OAuth provider, and reuses its caches when warm', async () => {
      const workerd = await runtimeBinary('workerd');
      const { dir } = project;
      await writeFile(
        join(dir, 'worker.js'),
        `import * as warrant from 'warrant';
import { runScenario } from ${JSON.stringify(SCENARIO)};
export default {
  async test(controller, env) {
    console.log(JSON.stringify(await runScenario(warrant, env.INPUT)));
  },
};
`,
      );
      await bundle(join(dir, 'worker.js'), join(dir, 'worker.bundle.js'), [
        'workerd',
        'worker',
        'browser',
      ]);
      // The date is pinned and nodejs_compat is off, so no Node API can be reached; the only
      // outbound network allowed is what a test needs, loopback included.
      await writeFile(
        join(dir, 'config.capnp'),
        `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.bundle.js")],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["no_nodejs_compat"],
  globalOutbound = "loopback",
  bindings = [(name = "INPUT", json = ${JSON.stringify(JSON.stringify(input))})],
);
`,
      );
      const { stdout } = await run(workerd, ['test', join(dir, 'config.capnp')], RUN_LIMIT);
      const result = resultOf(stdout);
      assert.equal((result as unknown as { hasBuffer: boolean }).hasBuffer, false);
      assertScenario(result, input, emulator.current);
    });

    it('Deno: loads the deno export, mints, federates, impersonates, signs, calls the API, verifies, runs the OAuth provider, and reuses its caches', async () => {
      const deno = await runtimeBinary('deno');
      const main = await writeMain(project.dir, input);
      const { stdout } = await run(
        deno,
        ['run', '--no-prompt', '--allow-read', '--allow-net=127.0.0.1', main],
        { ...RUN_LIMIT, cwd: project.dir, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' } },
      );
      assertScenario(resultOf(stdout), input, emulator.current);
    });

    it('Bun: loads the bun export, mints, federates, impersonates, signs, calls the API, verifies, runs the OAuth provider, and reuses its caches', async () => {
      const bun = await runtimeBinary('bun');
      const main = await writeMain(project.dir, input);
      const { stdout } = await run(bun, [main], { ...RUN_LIMIT, cwd: project.dir });
      assertScenario(resultOf(stdout), input, emulator.current);
    });

    it('Chromium: the browser bundle verifies a Google ID token and an IAP JWT across origins', async () => {
      assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
      const credentials = ServiceAccountCredentials.fromJson(input.rsaKey);
      const idToken = await credentials.fetchIdToken(input.audience);
      const { dir } = project;
      await writeFile(
        join(dir, 'page.js'),
        `import * as warrant from 'warrant';
import { verifyTokens } from ${JSON.stringify(SCENARIO)};
globalThis.verify = (input, idToken) => verifyTokens(warrant, input, idToken);
`,
      );
      await bundle(join(dir, 'page.js'), join(dir, 'page.bundle.js'), ['browser']);
      const script = await readFile(join(dir, 'page.bundle.js'), 'utf8');
      // The page comes from localhost (a secure context, which WebCrypto needs) and the emulator
      // from 127.0.0.1: another origin, so every key fetch is a CORS request.
      const pages = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(`<!doctype html><script type="module">${script}</script>`);
      });
      await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
      const { port } = pages.address() as AddressInfo;
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--headless',
          '--disable-gpu',
          '--no-first-run',
          '--host-resolver-rules=MAP app.test 127.0.0.1',
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`http://localhost:${port}/`);
        await page.waitForFunction(
          () => typeof (globalThis as { verify?: unknown }).verify === 'function',
        );
        const verified = await page.evaluate(
          ([pageInput, token]) =>
            (
              globalThis as unknown as { verify: (i: unknown, t: string) => Promise<unknown> }
            ).verify(pageInput, token),
          [input, idToken] as const,
        );
        assertVerified(
          verified as Parameters<typeof assertVerified>[0],
          input,
          credentials.clientEmail,
        );
      } finally {
        await browser.close();
        pages.close();
      }
    });
  });
