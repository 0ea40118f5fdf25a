/**
 * X.509 workload identity federation: the workload's certificate (named by a certificate
 * configuration file) authenticates the STS request with mutual TLS, and the subject token is the
 * certificate chain itself, as a JSON array of base64 DER certificates, leaf first.
 */
import { nodeCrypto, nodeFsPromises, nodeOs, nodePath } from '../platform/node-builtins.js';
import { SubjectTokenError } from '../errors.js';
import type { ClientCertificate } from '../http/types.js';
import type { SubjectTokenSupplier } from './subject-token.js';

export const CERTIFICATE_CONFIG_ENV = 'GOOGLE_API_CERTIFICATE_CONFIG';
const MAX_FILE_BYTES = 1024 * 1024;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

export interface CertificateSourceOptions {
  useDefaultCertificateConfig: boolean;
  certificateConfigLocation?: string;
  /** A PEM file of intermediate certificates sent after the leaf. */
  trustChainPath?: string;
}

export class CertificateSubjectTokenSource implements SubjectTokenSupplier {
  readonly #options: CertificateSourceOptions;
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: CertificateSourceOptions, env: NodeJS.ProcessEnv = process.env) {
    this.#options = options;
    this.#env = env;
  }

  /** Where the certificate configuration is read from. */
  get configPath(): string {
    return (
      this.#options.certificateConfigLocation ??
      (this.#env[CERTIFICATE_CONFIG_ENV] ||
        nodePath().join(
          this.#env.APPDATA ?? nodePath().join(nodeOs().homedir(), '.config'),
          'gcloud',
          'certificate_config.json',
        ))
    );
  }

  /** The workload's certificate and key, for the mutual-TLS connection to STS. */
  async clientCertificate(): Promise<ClientCertificate> {
    const path = this.configPath;
    const config = parseJson(await readBounded(path, 'certificate configuration'), path);
    const workload = (config?.cert_configs as Record<string, unknown> | undefined)?.workload as
      Record<string, unknown> | undefined;
    const certPath = workload?.cert_path;
    const keyPath = workload?.key_path;
    if (typeof certPath !== 'string' || typeof keyPath !== 'string' || !certPath || !keyPath) {
      throw new SubjectTokenError(
        `certificate configuration ${path} has no cert_configs.workload.cert_path and key_path (run \`gcloud iam workload-identity-pools create-cred-config\` with --credential-cert-path and --credential-cert-private-key-path)`,
        path,
      );
    }
    const [cert, key] = await Promise.all([
      readBounded(certPath, 'workload certificate'),
      readBounded(keyPath, 'workload private key'),
    ]);
    return { cert, key };
  }

  async getSubjectToken(): Promise<string> {
    const { cert } = await this.clientCertificate();
    const leaf = derBase64(cert, 'workload certificate');
    const chain = this.#options.trustChainPath
      ? ((await readBounded(this.#options.trustChainPath, 'trust chain')).match(PEM_CERTIFICATE) ??
        [])
      : [];
    const rest = chain.map((pem) => derBase64(pem, `trust chain ${this.#options.trustChainPath}`));
    // The leaf goes first; a chain that repeats it must have it first.
    const index = rest.indexOf(leaf);
    if (index > 0) {
      throw new SubjectTokenError(
        `trust chain ${this.#options.trustChainPath} holds the leaf certificate in position ${index + 1}; it may only come first`,
        this.#options.trustChainPath!,
      );
    }
    return JSON.stringify([leaf, ...rest.filter((c) => c !== leaf)]);
  }
}

async function readBounded(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await nodeFsPromises().readFile(path, 'utf8');
  } catch (error) {
    throw new SubjectTokenError(
      `${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}); check the certificate configuration`,
      path,
    );
  }
  if (text.length > MAX_FILE_BYTES) {
    throw new SubjectTokenError(`${what} ${path} is larger than ${MAX_FILE_BYTES} bytes`, path);
  }
  return text;
}

function parseJson(text: string, path: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return json !== null && typeof json === 'object'
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    throw new SubjectTokenError(`certificate configuration ${path} is not JSON`, path);
  }
}

function derBase64(pem: string, what: string): string {
  try {
    return new (nodeCrypto().X509Certificate)(pem).raw.toString('base64');
  } catch {
    throw new SubjectTokenError(`${what} is not a PEM certificate`, what);
  }
}
