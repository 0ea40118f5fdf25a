/**
 * The subject-token sources that need Node: a file, an executable, the AWS environment and
 * metadata service, an X.509 certificate (mutual TLS). Other runtimes get ./node-sources.web.ts,
 * where they throw NodeOnlyError; URL sources and programmatic suppliers work everywhere.
 */
import { AwsMetadataSupplier, AwsSubjectTokenSource } from './aws-source.js';
import { CertificateSubjectTokenSource } from './certificate-source.js';
import type { CredentialSource, ExternalAccountOptions } from './config.js';
import { ExecutableSubjectTokenSource } from './executable-source.js';
import { FileSubjectTokenSource } from './file-source.js';
import type { SubjectTokenSupplier } from './subject-token.js';

/** The `credential_source` kinds only Node can read. */
export type NodeCredentialSource = Exclude<CredentialSource, { kind: 'url' }>;

/** A source, and the certificate source again when the STS request needs its mutual TLS. */
export interface NodeSubjectTokenSource {
  supplier: SubjectTokenSupplier;
  certificate?: CertificateSubjectTokenSource;
}

/** The supplier of a Node-only `credential_source`. */
export function nodeSubjectTokenSource(
  cs: NodeCredentialSource,
  options: ExternalAccountOptions,
  now: () => number,
): NodeSubjectTokenSource {
  switch (cs.kind) {
    case 'file':
      return { supplier: new FileSubjectTokenSource(cs.file, cs.format) };
    case 'executable':
      return {
        supplier: new ExecutableSubjectTokenSource(
          {
            command: cs.command,
            timeoutMs: cs.timeoutMs,
            outputFile: cs.outputFile,
            impersonatedEmail: impersonatedEmail(options.serviceAccountImpersonationUrl),
            env: options.env,
          },
          now,
        ),
      };
    case 'aws':
      return {
        supplier: new AwsSubjectTokenSource(
          new AwsMetadataSupplier({
            regionUrl: cs.regionUrl,
            credentialsUrl: cs.credentialsUrl,
            imdsv2SessionTokenUrl: cs.imdsv2SessionTokenUrl,
            env: options.env,
            http: options.http,
          }),
          cs.regionalCredVerificationUrl,
          now,
        ),
      };
    case 'certificate': {
      const certificate = new CertificateSubjectTokenSource(cs, options.env);
      return { supplier: certificate, certificate };
    }
  }
}

/** The service account email in an IAM `.../serviceAccounts/EMAIL:generateAccessToken` URL. */
function impersonatedEmail(url: string | undefined): string | undefined {
  const match = url && /\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(url);
  return match ? decodeURIComponent(match[1]) : undefined;
}
