import { InvalidOptionsError } from '../errors.js';
import { envValue, type Environment } from './environment.js';

/**
 * How detection decides whether we run on Google Cloud:
 * - `auto` (default): local residency signals and a bounded probe, at the same time;
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
