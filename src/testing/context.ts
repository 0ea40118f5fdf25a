/**
 * How a route module plugs into the emulator. A module is a function that receives the
 * context and registers what it serves: routes on the router and, for the token endpoint,
 * grant types. Modules are listed in routes/index.ts and installed by startEmulator.
 */
import type { GrantHandler } from './routes/token/grant.js';
import type { Router } from './router.js';
import type { EmulatorState } from './state.js';

export interface EmulatorContext {
  router: Router;
  state: EmulatorState;
  /** Token-endpoint handlers by `grant_type`, e.g. a device flow's `...:device_code`. */
  grants: Map<string, GrantHandler>;
}

export type EmulatorModule = (context: EmulatorContext) => void;
