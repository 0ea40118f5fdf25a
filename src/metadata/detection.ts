import { AbortedError, InvalidOptionsError, NetworkError, TimeoutError } from '../errors.js';
import { sendRequest } from '../http/send.js';
import { envValue, type Environment } from './environment.js';
import { buildMetadataRequest, isMetadataResponse } from './metadata-request.js';

/**
 * How detection decides whether we run on Google Cloud:
 * - `auto` (default): local residency signals, then a bounded probe;
 * - `assume-present`: always yes, no probe;
 * - `none`: always no, no probe;
 * - `bios-only`: residency signals only, no probe;
 * - `ping-only`: the probe only.
 */
export type DetectionMode = 'auto' | 'assume-present' | 'none' | 'bios-only' | 'ping-only';

const MODES: readonly DetectionMode[] = ['assume-present', 'none', 'bios-only', 'ping-only'];

/** The mode `METADATA_SERVER_DETECTION` asks for; an unknown value is an error listing the known ones. */
export function detectionModeFromEnv(env: Environment): DetectionMode {
  const value = envValue(env, 'METADATA_SERVER_DETECTION');
  if (value === undefined) return 'auto';
  const mode = MODES.find((m) => m === value.toLowerCase());
  if (!mode) {
    throw new InvalidOptionsError(
      `METADATA_SERVER_DETECTION='${value}' is not one of ${MODES.join(', ')} (unset it for automatic detection)`,
    );
  }
  return mode;
}

/** What a probe found. */
export interface ProbeResult {
  found: boolean;
  /** One line per host: which answered as a metadata server, or why it did not. */
  detail: string;
}

/**
 * Asks every host at once for the metadata root and resolves as soon as one answers with
 * `Metadata-Flavor: Google`, or when all have failed, or after `timeoutMs` in all. A closed
 * port refuses at once, so off Google Cloud this usually decides in milliseconds; the bound
 * covers networks that drop packets to 169.254.169.254 and slow DNS for the internal name.
 */
export async function probeMetadataServer(
  hosts: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const stop = new AbortController();
  const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const attempts = hosts.map(async (host): Promise<ProbeResult> => {
    const request = buildMetadataRequest(host, '');
    try {
      const response = await sendRequest(request, timeoutMs, combined);
      if (isMetadataResponse(response)) return { found: true, detail: `${host} answered` };
      return {
        found: false,
        detail: `${host} answered HTTP ${response.status} without Metadata-Flavor: Google`,
      };
    } catch (error) {
      return { found: false, detail: `${host}: ${probeFailure(error, timeoutMs)}` };
    }
  });
  try {
    const winner = await Promise.any(
      attempts.map((attempt) => attempt.then((r) => (r.found ? r : Promise.reject(r)))),
    ).catch(() => undefined);
    if (signal?.aborted) throw new AbortedError('metadata server detection was aborted');
    if (winner) return winner;
    const results = await Promise.all(attempts);
    return { found: false, detail: results.map((r) => r.detail).join('; ') };
  } finally {
    stop.abort();
  }
}

function probeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof TimeoutError) return `no answer within ${timeoutMs} ms`;
  if (error instanceof NetworkError) {
    const code = (error.cause as { code?: string } | undefined)?.code;
    return code ? `connection failed (${code})` : 'connection failed';
  }
  if (error instanceof AbortedError) return 'aborted';
  return 'probe failed';
}
