import type { NetworkInterfaceInfo } from 'node:os';
import { nodeFsPromises, nodeOs, nodePath } from '../platform/node-builtins.js';
import { envValue, type Environment } from './environment.js';

/** Variables Google's serverless platforms set in every instance. */
export const SERVERLESS_ENV_VARS: readonly string[] = [
  'K_SERVICE',
  'FUNCTION_NAME',
  'FUNCTION_TARGET',
  'CLOUD_RUN_JOB',
  'GAE_SERVICE',
];

/** Where Linux exposes the machine's firmware identity. */
export const DEFAULT_DMI_DIR = '/sys/class/dmi/id';

const DMI_FILES = ['bios_vendor', 'product_name'] as const;

/** Google Compute Engine gives every virtual NIC a MAC address in this prefix. */
const GCE_MAC_PREFIX = '42:01:';

/** The machine facts residency is judged from; each is injectable for tests. */
export interface ResidencyInputs {
  env: Environment;
  platform: NodeJS.Platform;
  /** Directory holding `bios_vendor` and `product_name`; read on Linux only. */
  dmiDir: string;
  networkInterfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export const DEFAULT_RESIDENCY_INPUTS: Omit<ResidencyInputs, 'env'> = {
  platform: process.platform,
  dmiDir: DEFAULT_DMI_DIR,
  networkInterfaces: () => nodeOs().networkInterfaces(),
};

/**
 * The first local sign that this process runs on Google Cloud, described for messages, or
 * undefined. Costs a few file reads and no network: a serverless variable, Google firmware in the
 * Linux DMI tables, or a network interface with a Compute Engine MAC address.
 */
export async function findResidencySignal(inputs: ResidencyInputs): Promise<string | undefined> {
  for (const name of SERVERLESS_ENV_VARS) {
    if (envValue(inputs.env, name) !== undefined) return `environment variable ${name} is set`;
  }
  if (inputs.platform === 'linux') {
    const { readFile } = nodeFsPromises();
    for (const file of DMI_FILES) {
      const path = nodePath().join(inputs.dmiDir, file);
      const text = await readFile(path, 'utf8').catch(() => '');
      if (text.includes('Google')) return `${path} says '${text.trim()}'`;
    }
  }
  for (const [name, addresses] of Object.entries(interfaces(inputs))) {
    const mac = addresses?.find((a) => a.mac.toLowerCase().startsWith(GCE_MAC_PREFIX))?.mac;
    if (mac) return `network interface ${name} has the Compute Engine MAC ${mac}`;
  }
  return undefined;
}

/** The machine's interfaces; none where the OS will not list them (some sandboxes throw). */
function interfaces(inputs: ResidencyInputs): NodeJS.Dict<NetworkInterfaceInfo[]> {
  try {
    return inputs.networkInterfaces();
  } catch {
    return {};
  }
}
