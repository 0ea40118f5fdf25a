import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AuthError } from '../src/errors.js';
import { MetadataClient, type MetadataClientOptions } from '../src/metadata/metadata-client.js';
import { MetadataProbe } from '../src/metadata/probe.js';
import { findResidencySignal, SERVERLESS_ENV_VARS } from '../src/metadata/residency.js';
import { configureMetadata } from '../src/testing/routes/metadata.js';
import { closedPort, useEmulator } from './support/emulator.js';
import { blackHole, failure, FIXTURES, LAPTOP, NO_INTERFACES } from './fixtures/adc/support.js';

const GCE_DMI = join(FIXTURES, 'dmi', 'gce');

describe('residency signals', () => {
  for (const name of SERVERLESS_ENV_VARS) {
    it(`counts ${name} as a serverless instance`, async () => {
      const signal = await findResidencySignal({ ...LAPTOP, env: { [name]: 'x' } });
      assert.equal(signal, `environment variable ${name} is set`);
    });
  }

  it('reads Google firmware from the Linux DMI tables', async () => {
    const signal = await findResidencySignal({ ...LAPTOP, dmiDir: GCE_DMI, env: {} });
    assert.match(signal ?? '', /bios_vendor says 'Google'/);
  });

  it('reads DMI tables on Linux only', async () => {
    const inputs = { ...LAPTOP, dmiDir: GCE_DMI, env: {} };
    assert.equal(await findResidencySignal({ ...inputs, platform: 'darwin' }), undefined);
    assert.equal(await findResidencySignal({ ...inputs, platform: 'win32' }), undefined);
  });

  it('finds nothing on a laptop, or where the DMI tables do not exist', async () => {
    assert.equal(await findResidencySignal({ ...LAPTOP, env: {} }), undefined);
    const missing = { ...LAPTOP, dmiDir: join(FIXTURES, 'no-such-dir'), env: {} };
    assert.equal(await findResidencySignal(missing), undefined);
  });

  it('treats interfaces the OS will not list as no signal', async () => {
    const refusing = () => {
      throw new Error('uv_interface_addresses returned Unknown system error 1');
    };
    const inputs = { ...LAPTOP, networkInterfaces: refusing, env: {} };
    assert.equal(await findResidencySignal(inputs), undefined);
  });

  it('counts a network interface with a Compute Engine MAC (42:01:...)', async () => {
    const gceNic = () => ({
      ...NO_INTERFACES(),
      ens4: [{ ...NO_INTERFACES().lo[0], internal: false, mac: '42:01:0a:80:00:02' }],
    });
    const signal = await findResidencySignal({
      ...LAPTOP,
      platform: 'win32',
      networkInterfaces: gceNic,
      env: {},
    });
    assert.equal(signal, 'network interface ens4 has the Compute Engine MAC 42:01:0a:80:00:02');
  });
});

describe('metadata server detection', () => {
  const emulator = useEmulator();
  afterEach(() => configureMetadata(emulator.current, { mode: 'normal' }));

  /** A client on a laptop (no residency) whose metadata host is `host`. */
  const laptop = (host: string, options: MetadataClientOptions = {}) =>
    new MetadataClient({
      ...LAPTOP,
      env: { GCE_METADATA_HOST: host },
      probeTimeoutMs: 50,
      ...options,
    });

  it('decides "not on Google Cloud" off-cloud with nothing listening, from the refusal', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const detection = await laptop(host, { probeTimeoutMs: 60_000 }).detect();
    assert.equal(detection.onGoogleCloud, false);
    assert.match(
      detection.reason,
      /^no residency signal; probe: .*connection failed \(ECONNREFUSED\)/,
    );
  });

  it('gives up on a black hole at the configured bound', async () => {
    const hole = await blackHole();
    try {
      const detection = await laptop(hole.host, { probeTimeoutMs: 40 }).detect();
      assert.equal(detection.onGoogleCloud, false);
      assert.match(detection.reason, /no answer within 40 ms/);
      assert.ok(hole.connections() >= 1);
    } finally {
      await hole.close();
    }
  });

  it('finds the emulated metadata server, once for any number of concurrent callers', async () => {
    const metadata = laptop(emulator.current.host, { probeTimeoutMs: 5_000 });
    const answers = await Promise.all(Array.from({ length: 25 }, () => metadata.isOnGoogleCloud()));
    assert.deepEqual(new Set(answers), new Set([true]));
    assert.equal(await metadata.isOnGoogleCloud(), true);
    assert.equal(emulator.current.hits['metadata-probe'], 1);
  });

  it('writes its request once on a connection, even when asked again after connecting', async () => {
    let requests = 0;
    let respond = () => {};
    let requested = () => {};
    const firstRequest = new Promise<void>((resolve) => (requested = resolve));
    const server = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        requests += chunk.toString('latin1').split('GET /').length - 1;
        respond = () =>
          socket.write('HTTP/1.1 200 OK\r\nMetadata-Flavor: Google\r\nContent-Length: 0\r\n\r\n');
        requested();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => server.close());
    });
    const serverClosed = new Promise<void>((resolve) => server.on('close', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probe = new MetadataProbe([host], { boundMs: 60_000 });
    await firstRequest;
    // Detection asks again once residency is known; by then the socket may long be connected.
    probe.ask();
    respond();
    assert.equal((await probe.result).found, true);
    await serverClosed;
    assert.equal(requests, 1);
  });

  it('answers the same 100 times in a row against the emulator, one probe request each', async () => {
    const answers: boolean[] = [];
    for (let i = 0; i < 100; i++) {
      const metadata = laptop(emulator.current.host, { probeTimeoutMs: 60_000 });
      answers.push((await metadata.detect()).onGoogleCloud);
    }
    assert.deepEqual(
      answers,
      Array.from({ length: 100 }, () => true),
    );
    assert.equal(emulator.current.hits['metadata-probe'], 100);
  });

  it('does not count a server without Metadata-Flavor: Google as a metadata server', async () => {
    configureMetadata(emulator.current, { mode: 'spoofed' });
    const detection = await laptop(emulator.current.host, { probeTimeoutMs: 5_000 }).detect();
    assert.equal(detection.onGoogleCloud, false);
    assert.match(detection.reason, /answered HTTP 200 without Metadata-Flavor: Google/);
  });

  it('races the hosts: the first metadata server wins and the others are abandoned', async () => {
    const hole = await blackHole();
    try {
      const hosts = [hole.host, emulator.current.host];
      const result = await new MetadataProbe(hosts, { boundMs: 60_000 }).result;
      assert.deepEqual(result, { found: true, detail: `${emulator.current.host} answered` });
      // The loser's connection is closed by the client rather than left to its 60 s bound.
      while (hole.open() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      await hole.close();
    }
  });

  it('probes with the longer resident bound when a residency signal exists', async () => {
    const hole = await blackHole();
    try {
      const metadata = laptop(hole.host, {
        env: { GCE_METADATA_HOST: hole.host, K_SERVICE: 'api' },
        residentProbeTimeoutMs: 70,
      });
      const detection = await metadata.detect();
      assert.equal(detection.onGoogleCloud, false);
      assert.match(
        detection.reason,
        /^environment variable K_SERVICE is set; probe: .*within 70 ms/,
      );
    } finally {
      await hole.close();
    }
  });

  it('trusts residency without a probe when asked to (the credentials path)', async () => {
    const metadata = laptop(emulator.current.host, {
      dmiDir: GCE_DMI,
      env: { GCE_METADATA_HOST: emulator.current.host },
    });
    const detection = await metadata.detect({ trustResidency: true });
    assert.equal(detection.onGoogleCloud, true);
    assert.match(detection.reason, /bios_vendor says 'Google'/);
    assert.equal(emulator.current.hits['metadata-probe'], 0);
  });

  describe('METADATA_SERVER_DETECTION', () => {
    const withMode = (mode: string, env: Record<string, string> = {}) =>
      laptop(emulator.current.host, {
        env: { GCE_METADATA_HOST: emulator.current.host, METADATA_SERVER_DETECTION: mode, ...env },
      });

    it('none: no, without a request, even with a metadata server there', async () => {
      assert.deepEqual(await withMode('none', { K_SERVICE: 'x' }).detect(), {
        onGoogleCloud: false,
        reason: 'METADATA_SERVER_DETECTION=none',
      });
      assert.equal(emulator.current.hits['metadata-probe'], 0);
    });

    it('assume-present: yes, without a request', async () => {
      const hole = await blackHole();
      try {
        const metadata = new MetadataClient({
          ...LAPTOP,
          env: { GCE_METADATA_HOST: hole.host, METADATA_SERVER_DETECTION: 'assume-present' },
        });
        assert.equal(await metadata.isOnGoogleCloud(), true);
        assert.equal(hole.connections(), 0);
      } finally {
        await hole.close();
      }
    });

    it('bios-only: residency decides, without a request', async () => {
      assert.equal(await withMode('bios-only').isOnGoogleCloud(), false);
      assert.equal(await withMode('bios-only', { FUNCTION_TARGET: 'f' }).isOnGoogleCloud(), true);
      assert.equal(emulator.current.hits['metadata-probe'], 0);
    });

    it('ping-only: the probe decides, whatever residency says', async () => {
      assert.equal(await withMode('ping-only').isOnGoogleCloud(), true);
      assert.equal(emulator.current.hits['metadata-probe'], 1);
      const host = `127.0.0.1:${await closedPort()}`;
      const offline = new MetadataClient({
        ...LAPTOP,
        env: { GCE_METADATA_HOST: host, METADATA_SERVER_DETECTION: 'ping-only', K_SERVICE: 'x' },
      });
      assert.equal(await offline.isOnGoogleCloud(), false);
    });

    it("NO_GCE_CHECK=true, google-auth python's switch, means none: no, without a request", async () => {
      const metadata = laptop(emulator.current.host, {
        env: { GCE_METADATA_HOST: emulator.current.host, NO_GCE_CHECK: 'true', K_SERVICE: 'x' },
      });
      assert.deepEqual(await metadata.detect(), {
        onGoogleCloud: false,
        reason: 'NO_GCE_CHECK=true',
      });
      assert.equal(emulator.current.hits['metadata-probe'], 0);
    });

    it('METADATA_SERVER_DETECTION wins over NO_GCE_CHECK, and NO_GCE_CHECK other than true is ignored', async () => {
      assert.equal(await withMode('ping-only', { NO_GCE_CHECK: 'true' }).isOnGoogleCloud(), true);
      const notTrue = laptop(emulator.current.host, {
        env: { GCE_METADATA_HOST: emulator.current.host, NO_GCE_CHECK: 'false' },
      });
      assert.equal(await notTrue.isOnGoogleCloud(), true);
    });

    it('the detection option wins over the variable', async () => {
      const metadata = laptop(emulator.current.host, {
        env: { GCE_METADATA_HOST: emulator.current.host, METADATA_SERVER_DETECTION: 'none' },
        detection: 'assume-present',
      });
      assert.deepEqual(await metadata.detect(), {
        onGoogleCloud: true,
        reason: "detection option 'assume-present'",
      });
    });

    it('an unknown value is ERR_INVALID_OPTIONS listing the known ones', async () => {
      const error = await failure(withMode('sometimes').detect());
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'ERR_INVALID_OPTIONS');
      assert.match(error.message, /assume-present, none, bios-only, ping-only/);
    });
  });
});
