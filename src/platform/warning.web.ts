import type * as NodeWarning from './warning.js';

/** Runtimes without `process`: warnings go to the console. */
export const emitWarning: typeof NodeWarning.emitWarning = (warning) => {
  // eslint-disable-next-line no-console -- the console is the only warning channel there
  console.warn(typeof warning === 'string' ? warning : `${warning.name}: ${warning.message}`);
};
