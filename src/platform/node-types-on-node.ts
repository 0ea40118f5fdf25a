/**
 * Fills in ./node-types.ts's lookups with the real Node and gaxios types. Only the Node entry's
 * declarations reach this file (index.ts re-exports it, type only), so the edge declarations
 * never load @types/node or gaxios.
 */
import type {
  JsonWebKey as NodeJsonWebKey,
  KeyObject as NodeKeyObject,
  VerifyKeyObjectInput as NodeVerifyKeyObjectInput,
  webcrypto,
} from 'node:crypto';
import type { Agent } from 'node:http';
import type { GaxiosOptions as Options, GaxiosResponse as Response } from 'gaxios';

declare module './node-types.js' {
  interface NodeTypes<T> {
    KeyObject: NodeKeyObject;
    JsonWebKey: NodeJsonWebKey;
    VerifyKeyObjectInput: NodeVerifyKeyObjectInput;
    CryptoKey: webcrypto.CryptoKey;
    HttpAgent: Agent;
    GaxiosOptions: Options;
    GaxiosResponse: Response<T>;
  }
}
