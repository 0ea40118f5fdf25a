/**
 * What the edge entry exports in place of the Node entry's features that need files, sockets or
 * child processes: same names, and each use throws {@link NodeOnlyError} saying what to do
 * instead, rather than `undefined is not a function` or a bundler's missing `node:fs`.
 */
import { NodeOnlyError } from '../errors.js';

function nodeOnly(feature: string, instead: string): (...args: unknown[]) => never {
  return () => {
    throw new NodeOnlyError(feature, instead);
  };
}

/** A class whose construction and static factories throw {@link NodeOnlyError}. */
function nodeOnlyClass(feature: string, instead: string, statics: readonly string[] = []) {
  const unavailable = nodeOnly(feature, instead);
  const NodeOnlyClass = class {
    constructor() {
      unavailable();
    }
  };
  for (const name of statics) Object.defineProperty(NodeOnlyClass, name, { value: unavailable });
  return NodeOnlyClass;
}

const KEY_INSTEAD =
  'build credentials from JSON, e.g. ServiceAccountCredentials.fromJson(JSON.parse(env.SA_KEY))';

/** Application Default Credentials search the file system and probe the metadata server. */
export const defaultCredentials = nodeOnly('defaultCredentials (ADC)', KEY_INSTEAD);
export const findProjectId = nodeOnly('findProjectId', 'pass the project id explicitly');
/** The metadata server is reached by probing sockets; compute credentials need it. */
export const ComputeCredentials = nodeOnlyClass(
  'ComputeCredentials (metadata server)',
  KEY_INSTEAD,
);
export const MetadataClient = nodeOnlyClass('MetadataClient', KEY_INSTEAD);
/** The loopback login opens a local server and a browser. */
export const InstalledAppFlow = nodeOnlyClass(
  'InstalledAppFlow (loopback login)',
  'log in on a machine with Node.js and pass the refresh token to UserCredentials',
  ['fromClientConfig', 'fromClientSecretsFile'],
);
/** The file token store needs a file system. */
export const FileTokenStore = nodeOnlyClass(
  'FileTokenStore',
  'use MemoryTokenStore or your own TokenStore (KV, Durable Objects, IndexedDB)',
);
