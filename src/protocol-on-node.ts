/**
 * `warrant/protocol`'s declarations for Node programs (package.json's `node` condition): the
 * same names as ./protocol.ts, with the real Node types behind platform/node-types.ts filled in.
 * The edge conditions keep protocol.d.ts, which loads neither @types/node nor gaxios.
 */
export * from './protocol.js';
export type {} from './platform/node-types-on-node.js';
