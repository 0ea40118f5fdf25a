/**
 * The Google Cloud metadata server (routes `metadata-probe` for the roots detection asks for,
 * and `metadata` for everything under `/computeMetadata/v1/`): project, zone, the instance's
 * service accounts with their tokens and ID tokens, and the universe domain. Like the real one
 * it answers only requests carrying `Metadata-Flavor: Google` and sets that header on every
 * response. Point `GCE_METADATA_HOST` at `emulator.host` to use it.
 */
import type { EmulatorModule } from '../context.js';
import { serviceAccountIdToken } from '../id-tokens.js';
import { randomDigits } from '../ids.js';
import type { EmulatorRequest, RouteResponse } from '../router.js';
import type { EmulatorState, ServiceAccountRecord } from '../state.js';

const BASE = '/computeMetadata/v1/';
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/**
 * How the emulated metadata server behaves:
 * - `normal`: answers like Google's;
 * - `black-hole`: accepts connections and requests and never answers;
 * - `spoofed`: answers normally but without `Metadata-Flavor: Google`, like an impostor.
 */
export type MetadataMode = 'normal' | 'black-hole' | 'spoofed';

/** What {@link configureMetadata} can change; unset fields keep their value. */
export interface MetadataSettings {
  /** Default: the emulator's project. */
  projectId?: string;
  /** Default: 12 random digits. */
  numericProjectId?: string;
  /** Default `us-central1-a`. */
  zone?: string;
  /**
   * Email of the `default` service account, one registered with the emulator. Default: the
   * emulator's ready-made service account.
   */
  serviceAccountEmail?: string;
  /** Scopes of the instance's service account, and of tokens asked for without `?scopes=`. */
  scopes?: readonly string[];
  /** `universe/universe-domain`; `null` makes it 404, as older servers do. Default `googleapis.com`. */
  universeDomain?: string | null;
  mode?: MetadataMode;
}

type Settings = Required<Omit<MetadataSettings, 'serviceAccountEmail'>> & {
  serviceAccountEmail?: string;
};

/** Per-emulator settings, keyed by the emulator's state so every emulator has its own. */
const settingsByState = new WeakMap<EmulatorState, Settings>();

function settingsOf(state: EmulatorState): Settings {
  let settings = settingsByState.get(state);
  if (!settings) {
    settings = {
      projectId: state.projectId,
      numericProjectId: randomDigits(12),
      zone: 'us-central1-a',
      scopes: [CLOUD_PLATFORM],
      universeDomain: 'googleapis.com',
      mode: 'normal',
    };
    settingsByState.set(state, settings);
  }
  return settings;
}

/**
 * Changes how an emulator's metadata server answers from the next request on.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * configureMetadata(emulator, { projectId: 'vm-project', mode: 'black-hole' });
 * ```
 */
export function configureMetadata(
  emulator: { readonly state: EmulatorState },
  changes: MetadataSettings,
): void {
  const email = changes.serviceAccountEmail;
  if (email !== undefined && !emulator.state.serviceAccounts.has(email)) {
    throw new Error(
      `emulator: ${email} is not a registered service account (create it with createServiceAccount({ email }) first)`,
    );
  }
  const settings = settingsOf(emulator.state);
  for (const [name, value] of Object.entries(changes)) {
    if (value !== undefined) (settings as Record<string, unknown>)[name] = value;
  }
}

export const metadataServer: EmulatorModule = ({ router }) => {
  router.add({
    name: 'metadata-probe',
    methods: ['GET'],
    paths: ['/', BASE, BASE.slice(0, -1)],
    handle: (request, state) =>
      serve(request, state, () =>
        text(200, request.path === '/' ? 'computeMetadata/\n' : 'instance/\nproject/\nuniverse/\n'),
      ),
  });
  router.add({
    name: 'metadata',
    methods: ['GET'],
    prefixes: [BASE],
    handle: (request, state) =>
      serve(request, state, () => answer(request.path.slice(BASE.length), request, state)),
  });
};

/** The checks and modes every metadata response goes through. */
async function serve(
  request: EmulatorRequest,
  state: EmulatorState,
  respond: () => RouteResponse | Promise<RouteResponse>,
): Promise<RouteResponse> {
  const { mode } = settingsOf(state);
  if (mode === 'black-hole') return new Promise<never>(() => undefined);
  const response =
    request.headers['metadata-flavor'] === 'Google'
      ? await respond()
      : text(403, 'Missing required header: Metadata-Flavor: Google\n');
  if (mode === 'spoofed') return response;
  return { ...response, headers: { ...response.headers, 'metadata-flavor': 'Google' } };
}

async function answer(
  path: string,
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<RouteResponse> {
  const settings = settingsOf(state);
  switch (path) {
    case 'project/project-id':
      return text(200, settings.projectId);
    case 'project/numeric-project-id':
      return text(200, settings.numericProjectId);
    case 'instance/zone':
      return text(200, `projects/${settings.numericProjectId}/zones/${settings.zone}`);
    case 'universe/universe-domain':
      return settings.universeDomain === null ? notFound() : text(200, settings.universeDomain);
    case 'instance/service-accounts/':
      return text(200, `default/\n${defaultAccount(state).email}/\n`);
  }
  const match = /^instance\/service-accounts\/([^/]+)\/([a-z]*)$/.exec(path);
  const account = match ? accountNamed(decodeURIComponent(match[1]), state) : undefined;
  if (!match || !account) return notFound();
  return serviceAccountItem(match[2], account, request, state);
}

async function serviceAccountItem(
  item: string,
  account: ServiceAccountRecord,
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<RouteResponse> {
  const settings = settingsOf(state);
  switch (item) {
    case '':
      return text(200, 'aliases\nemail\nidentity\nscopes\ntoken\n');
    case 'email':
      return text(200, account.email);
    case 'aliases':
      return text(200, 'default\n');
    case 'scopes':
      return text(200, `${settings.scopes.join('\n')}\n`);
    case 'token': {
      const requested = request.query.get('scopes');
      const scopes = requested ? requested.split(',').filter(Boolean) : [...settings.scopes];
      const token = state.issueAccessToken({ principal: account.email, scopes });
      return jsonText({
        access_token: token.token,
        expires_in: Math.floor((token.expiresAt - Date.now()) / 1000),
        token_type: 'Bearer',
      });
    }
    case 'identity': {
      const audience = request.query.get('audience');
      if (!audience) return text(400, 'non-empty audience parameter required\n');
      return text(200, await serviceAccountIdToken(state, account, audience));
    }
    default:
      return notFound();
  }
}

/** The instance's `default` account: the configured one, else the emulator's ready-made one. */
function defaultAccount(state: EmulatorState): ServiceAccountRecord {
  const email =
    settingsOf(state).serviceAccountEmail ??
    `emulated-sa@${state.projectId}.iam.gserviceaccount.com`;
  const account = state.serviceAccounts.get(email);
  if (!account) throw new Error(`emulator: metadata service account ${email} is not registered`);
  return account;
}

function accountNamed(name: string, state: EmulatorState): ServiceAccountRecord | undefined {
  const account = defaultAccount(state);
  return name === 'default' || name === account.email ? account : undefined;
}

function text(status: number, body: string): RouteResponse {
  return { status, headers: { 'content-type': 'application/text' }, body };
}

function jsonText(value: unknown): RouteResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  };
}

function notFound(): RouteResponse {
  return text(404, 'Not Found\n');
}
