import { exchange } from '../http/exchange.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpOptions } from '../http/types.js';
import {
  subjectTokenFrom,
  type SubjectTokenFormat,
  type SubjectTokenSupplier,
} from './subject-token.js';

/** A subject token fetched with a GET from a local identity endpoint (Azure IMDS, a sidecar). */
export class UrlSubjectTokenSource implements SubjectTokenSupplier {
  constructor(
    readonly url: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly format: SubjectTokenFormat,
    readonly http?: HttpOptions,
  ) {}

  getSubjectToken(): Promise<string> {
    const where = `URL ${describeUrl(this.url)}`;
    return exchange(
      { url: this.url, method: 'GET', headers: { ...this.headers } },
      (response) => {
        if (response.status < 200 || response.status >= 300) {
          throw responseError(response, this.url, 'subject token request');
        }
        return subjectTokenFrom(response.body, this.format, where);
      },
      this.http,
    );
  }
}
