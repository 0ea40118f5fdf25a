import { nodeFsPromises } from '../platform/node-builtins.js';
import { SubjectTokenError } from '../errors.js';
import {
  MAX_SUBJECT_TOKEN_BYTES,
  subjectTokenFrom,
  tooLarge,
  type SubjectTokenFormat,
  type SubjectTokenSupplier,
} from './subject-token.js';

/** A subject token read from a file on every exchange (CI systems and Kubernetes rotate it). */
export class FileSubjectTokenSource implements SubjectTokenSupplier {
  constructor(
    readonly path: string,
    readonly format: SubjectTokenFormat,
  ) {}

  async getSubjectToken(): Promise<string> {
    const { readFile, stat } = nodeFsPromises();
    let text: string;
    try {
      if ((await stat(this.path)).size > MAX_SUBJECT_TOKEN_BYTES) throw tooLarge(this.path);
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (error instanceof SubjectTokenError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new SubjectTokenError(
        `subject token file ${this.path} cannot be read (${code}); check credential_source.file and that the identity provider wrote the token`,
        this.path,
      );
    }
    return subjectTokenFrom(text, this.format, this.path);
  }
}
