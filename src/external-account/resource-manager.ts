/**
 * The project of federated credentials, as google-auth finds it: Cloud Resource Manager's
 * `projects.get` for the pool's project number (or the workforce pool user project), as request
 * and response halves.
 */
import { bearerSecrets } from '../credentials/read-only-headers.js';
import { TokenResponseError } from '../errors.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';

/** `https://cloudresourcemanager.<universe>/v1/projects/`, Google's projects in the universe. */
export function defaultResourceManagerUrl(universeDomain: string): string {
  return `https://cloudresourcemanager.${universeDomain}/v1/projects/`;
}

/**
 * The project number of a workload identity pool audience
 * (`//iam.googleapis.com/projects/NUMBER/locations/...`); undefined for a workforce pool.
 */
export function audienceProjectNumber(audience: string): string | undefined {
  return /^\/\/[^/]+\/projects\/(\d{1,20})\//.exec(audience)?.[1];
}

/** `GET <projects URL>/<project>`, authorized by `headers`. */
export function buildProjectRequest(
  projectsUrl: string,
  project: string,
  headers: Headers,
): HttpRequest {
  const sent: Record<string, string> = { accept: 'application/json' };
  headers.forEach((value, name) => {
    sent[name] = value;
  });
  return {
    secrets: bearerSecrets(headers),
    url: `${projectsUrl.endsWith('/') ? projectsUrl : `${projectsUrl}/`}${encodeURIComponent(project)}`,
    method: 'GET',
    headers: sent,
  };
}

const MAX_PROJECT_RESPONSE_CHARS = 64 * 1024;
// Google's project ids: 6 to 30 lowercase letters, digits and hyphens, starting with a letter;
// domain-scoped ones (example.com:my-project) are older but still served.
const PROJECT_ID = /^(?:[a-z0-9.-]{1,63}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** The `projectId` of a `projects.get` answer, or a typed error. */
export function parseProjectResponse(response: HttpResponse, url: string): string {
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, 'Cloud Resource Manager projects.get');
  }
  let projectId: unknown;
  if (response.body.length <= MAX_PROJECT_RESPONSE_CHARS) {
    try {
      projectId = (JSON.parse(response.body) as { projectId?: unknown } | null)?.projectId;
    } catch {
      projectId = undefined;
    }
  }
  if (typeof projectId !== 'string' || !PROJECT_ID.test(projectId)) {
    throw new TokenResponseError(
      `Cloud Resource Manager at ${describeUrl(url)} answered without a valid projectId`,
      describeUrl(url),
    );
  }
  return projectId;
}
