/**
 * Cloud Resource Manager's `projects.get` (route `crm-project`), at `/v1/projects/{number or id}`:
 * the emulator's one project, known by its id and by the number of its workload identity pools,
 * to a caller whose token carries cloud-platform. Federated credentials ask it for their project.
 */
import type { EmulatorModule } from '../context.js';
import { authenticateCaller } from '../callers.js';
import { apiErrorBody } from '../google-errors.js';
import { json, type EmulatorRequest, type RouteResponse } from '../router.js';
import type { EmulatorState } from '../state.js';

const PREFIX = '/v1/projects/';
const READ_SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/cloud-platform.read-only',
];

export const resourceManagerProjects: EmulatorModule = ({ router }) => {
  router.add({
    name: 'crm-project',
    methods: ['GET'],
    prefixes: [PREFIX],
    handle: getProject,
  });
};

async function getProject(request: EmulatorRequest, state: EmulatorState): Promise<RouteResponse> {
  const caller = await authenticateCaller(request, state);
  if (!caller)
    return json(401, apiErrorBody(401, 'Request had invalid authentication credentials.'));
  if (!caller.scopes.some((scope) => READ_SCOPES.includes(scope))) {
    return json(403, apiErrorBody(403, 'Request had insufficient authentication scopes.'));
  }
  const asked = decodeURIComponent(request.path.slice(PREFIX.length));
  const number = state.federation.projectNumber;
  if (asked !== number && asked !== state.projectId) {
    // Google answers 403 for a project that does not exist, so as not to reveal which do.
    return json(403, apiErrorBody(403, 'The caller does not have permission'));
  }
  return json(200, {
    projectNumber: number,
    projectId: state.projectId,
    lifecycleState: 'ACTIVE',
    name: state.projectId,
  });
}
