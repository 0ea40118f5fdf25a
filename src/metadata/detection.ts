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

/**
 * The mode the environment asks for, and the setting that asked: `METADATA_SERVER_DETECTION`
 * (an unknown value is an error listing the known ones), else `NO_GCE_CHECK=true` (google-auth
 * python's switch) for `none`, else `auto`.
 */
export function detectionModeFromEnv(env: Environment): { mode: DetectionMode; setBy: string } {
  const value = envValue(env, 'METADATA_SERVER_DETECTION');
  if (value === undefined) {
    return envValue(env, 'NO_GCE_CHECK')?.toLowerCase() === 'true'
      ? { mode: 'none', setBy: 'NO_GCE_CHECK=true' }
      : { mode: 'auto', setBy: 'METADATA_SERVER_DETECTION=auto' };
  }
  const mode = MODES.find((m) => m === value.toLowerCase());
  if (!mode) {
    throw new InvalidOptionsError(
      `METADATA_SERVER_DETECTION='${value}' is not one of ${MODES.join(', ')} (unset it for automatic detection)`,
    );
  }
  return { mode, setBy: `METADATA_SERVER_DETECTION=${mode}` };
}
