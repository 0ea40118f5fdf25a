import { NodeOnlyError } from '../errors.js';
import type * as NodeGaxios from './gaxios.js';

/** gaxios is bound to Node's http stack here; AuthorizedClient.fetch needs nothing but fetch. */
export const loadGaxios: typeof NodeGaxios.loadGaxios = () =>
  Promise.reject(
    new NodeOnlyError('AuthorizedClient.request (gaxios)', 'use AuthorizedClient.fetch instead'),
  );
