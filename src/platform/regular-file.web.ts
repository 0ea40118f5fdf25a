import { NodeOnlyError } from '../errors.js';
import type * as NodeRegularFile from './regular-file.js';

/** Runtimes without a file system: reading a key or credentials file is a Node-only feature. */
export const readRegularFile: typeof NodeRegularFile.readRegularFile = () => {
  throw new NodeOnlyError(
    'reading credentials files',
    'pass the parsed JSON to fromJson() or credentialsFromJson() instead',
  );
};
