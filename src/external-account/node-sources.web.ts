import { NodeOnlyError } from '../errors.js';
import type * as NodeSources from './node-sources.js';

const SUPPLIER_INSTEAD =
  'use a url credential_source, or pass subjectTokenSupplier with a function that returns the token';

/** What each Node-only `credential_source` needs, and what to use instead outside Node. */
const NODE_ONLY: Record<NodeSources.NodeCredentialSource['kind'], [string, string]> = {
  file: ['a file credential_source (reads the file system)', SUPPLIER_INSTEAD],
  executable: ['an executable credential_source (runs a child process)', SUPPLIER_INSTEAD],
  aws: [
    'an aws credential_source (reads AWS_* environment variables and the EC2 metadata service)',
    'pass awsSecurityCredentialsSupplier with your AWS region and credentials',
  ],
  certificate: [
    'an X.509 certificate credential_source (mutual TLS with a client certificate)',
    SUPPLIER_INSTEAD,
  ],
};

/** Outside Node only URL sources and programmatic suppliers can supply subject tokens. */
export const nodeSubjectTokenSource: typeof NodeSources.nodeSubjectTokenSource = (cs) => {
  const [feature, instead] = NODE_ONLY[cs.kind];
  throw new NodeOnlyError(feature, instead);
};
