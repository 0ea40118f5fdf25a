import { NodeOnlyError } from '../errors.js';
import type * as NodeFs from './fs.js';

/** Runtimes without a file system: reading a key or credentials file is a Node-only feature. */
export const readFile: typeof NodeFs.readFile = () => {
  throw new NodeOnlyError(
    'reading credentials files',
    'pass the parsed JSON to fromJson() or credentialsFromJson() instead',
  );
};
