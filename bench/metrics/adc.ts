/**
 * Off-cloud Application Default Credentials: how long each library takes, in a fresh process
 * with an empty HOME, to decide what credentials and project it has when the metadata server
 * address (GCE_METADATA_HOST) is a closed loopback port or a loopback black hole (accepts,
 * never answers). Loopback only; nothing reaches 169.254.169.254.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { DEFAULT_PROBE_TIMEOUT_MS } from '../../src/constants.js';
import type { AdcOutcome } from '../children/adc.js';
import type { BenchContext } from '../context.js';
import {
  atMost,
  below,
  measured,
  notAvailable,
  type Measured,
  type Row,
  type Target,
} from '../report.js';
import { childFailure, childScript, runChild } from '../spawn.js';
import { summarize } from '../stats.js';

const CHILD_TIMEOUT_MS = 20_000;

type Lib = 'warrant' | 'gal';
type Host = 'closed' | 'black-hole';

interface Case {
  id: string;
  metric: string;
  host: Host;
  keyFile?: 'with-project' | 'without-project';
  /** Fresh processes per library; gal's slow cases get fewer to keep the bench short. */
  runs: Record<Lib, number>;
}

const CASES: readonly Case[] = [
  {
    id: 'adc.none.closed',
    metric: 'ADC, no credentials, metadata = closed port',
    host: 'closed',
    runs: { warrant: 5, gal: 5 },
  },
  {
    id: 'adc.none.black-hole',
    metric: 'ADC, no credentials, metadata = black hole',
    host: 'black-hole',
    runs: { warrant: 5, gal: 3 },
  },
  {
    id: 'adc.key-with-project.black-hole',
    metric: 'ADC, key file with project_id, metadata = black hole',
    host: 'black-hole',
    keyFile: 'with-project',
    runs: { warrant: 5, gal: 3 },
  },
  {
    id: 'adc.key-without-project.closed',
    metric: 'ADC, key file without project_id, metadata = closed port',
    host: 'closed',
    keyFile: 'without-project',
    runs: { warrant: 5, gal: 3 },
  },
  {
    id: 'adc.key-without-project.black-hole',
    metric: 'ADC, key file without project_id, metadata = black hole',
    host: 'black-hole',
    keyFile: 'without-project',
    runs: { warrant: 5, gal: 3 },
  },
];

export async function offCloudAdc(context: BenchContext): Promise<Row[]> {
  const blackHole = await startBlackHole();
  try {
    const hosts: Record<Host, string> = {
      closed: `127.0.0.1:${await closedPort()}`,
      'black-hole': `127.0.0.1:${blackHole.port}`,
    };
    const results = new Map<string, Record<Lib, Measured>>();
    for (const spec of CASES) {
      const env = context.childEnv({
        GCE_METADATA_HOST: hosts[spec.host],
        ...(spec.keyFile && {
          GOOGLE_APPLICATION_CREDENTIALS:
            spec.keyFile === 'with-project' ? context.keyFile : context.keyFileWithoutProject,
        }),
      });
      results.set(spec.id, {
        warrant: await runCase('warrant', env, spec.runs.warrant),
        gal: await runCase('gal', env, spec.runs.gal),
      });
    }
    const withProject = results.get('adc.key-with-project.black-hole')?.warrant.sample?.median;
    const keyBound = withProject === undefined ? undefined : withProject + DEFAULT_PROBE_TIMEOUT_MS;
    const targetFor = (spec: Case, w: Measured): Target | undefined => {
      if (spec.keyFile === 'without-project') {
        return atMost(
          keyBound,
          `≤ with project_id + ${DEFAULT_PROBE_TIMEOUT_MS} ms probe bound`,
          w,
        );
      }
      if (spec.keyFile) return undefined;
      return spec.host === 'closed' ? below(20, 'ms', w) : below(600, 'ms', w);
    };
    return CASES.map((spec) => {
      const { warrant, gal } = results.get(spec.id) as Record<Lib, Measured>;
      const target = targetFor(spec, warrant);
      return {
        id: spec.id,
        metric: spec.metric,
        unit: 'ms',
        better: 'lower',
        warrant,
        gal,
        ...(target && { target }),
      };
    });
  } finally {
    blackHole.close();
  }
}

async function runCase(lib: Lib, env: Record<string, string>, runs: number): Promise<Measured> {
  const script = childScript('adc');
  const times: number[] = [];
  const outcomes = new Set<string>();
  for (let run = 0; run < runs; run++) {
    const child = await runChild<AdcOutcome>(script, [lib], env, CHILD_TIMEOUT_MS);
    if (child.timedOut) {
      return notAvailable(`no decision within ${CHILD_TIMEOUT_MS / 1000} s (killed)`);
    }
    if (!child.output) return notAvailable(`child failed: ${childFailure(child)}`);
    times.push(child.output.ms);
    outcomes.add(describeOutcome(child.output));
  }
  return measured(summarize(times), [...outcomes].join(' | '));
}

function describeOutcome(outcome: AdcOutcome): string {
  if (outcome.error) return `no credentials: ${outcome.error.slice(0, 100)}`;
  const project = outcome.projectError
    ? `project error: ${outcome.projectError.slice(0, 100)}`
    : `project ${outcome.projectId ?? 'unknown (undefined)'}`;
  return `${outcome.credentials}, ${project}`;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A loopback server that accepts connections and never answers, like a firewall dropping replies. */
async function startBlackHole(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}
