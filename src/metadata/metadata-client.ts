import { AuthError, HttpError, OAuthError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import type { HttpOptions } from '../http/types.js';
import { DEFAULT_UNIVERSE_DOMAIN, definedOnly } from '../options.js';
import { detectionModeFromEnv, type DetectionMode } from './detection.js';
import type { Environment } from './environment.js';
import { metadataHosts, type MetadataHosts } from './hosts.js';
import {
  buildMetadataRequest,
  parseMetadataJson,
  parseMetadataResponse,
  serviceAccountPath,
} from './metadata-request.js';
import { MetadataProbe, type ProbeResult } from './probe.js';
import {
  DEFAULT_RESIDENCY_INPUTS,
  findResidencySignal,
  type ResidencyInputs,
} from './residency.js';

/** Bound of detection, probe included, when nothing local suggests Google Cloud. */
export const DEFAULT_PROBE_TIMEOUT_MS = 500;
/** Bound of detection, probe included, when a residency signal says we are on Google Cloud. */
export const DEFAULT_RESIDENT_PROBE_TIMEOUT_MS = 3_000;
/** Per-attempt timeout and attempts of metadata requests (tokens, project id, ...). */
export const DEFAULT_METADATA_HTTP: HttpOptions = { timeoutMs: 5_000, retry: { maxAttempts: 3 } };

/** Options of {@link MetadataClient}; each has a default taken from the machine. */
export interface MetadataClientOptions {
  /** Environment variables to read. Default `process.env`, read at each use. */
  env?: Environment;
  /** The server as `host[:port]`; overrides `GCE_METADATA_HOST`, `GCE_METADATA_ROOT`, `GCE_METADATA_IP`. */
  host?: string;
  /** Overrides `METADATA_SERVER_DETECTION` and `NO_GCE_CHECK`. */
  detection?: DetectionMode;
  /**
   * Bound of the whole detection (local checks, DNS, connection, answer) without a residency
   * signal. Default 500 ms.
   */
  probeTimeoutMs?: number;
  /** Bound of detection with a residency signal. Default 3 000 ms. */
  residentProbeTimeoutMs?: number;
  /** Timeout and retries of metadata requests. Default 5 000 ms per attempt, 3 attempts. */
  http?: HttpOptions;
  /** Linux DMI directory read for firmware identity. Default `/sys/class/dmi/id`. */
  dmiDir?: string;
  /** Platform whose residency checks apply. Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Source of the network interfaces checked for a Compute Engine MAC. Default `os.networkInterfaces`. */
  networkInterfaces?: ResidencyInputs['networkInterfaces'];
}

/** Whether we run on Google Cloud, and why detection thinks so. */
export interface Detection {
  onGoogleCloud: boolean;
  /** For messages, e.g. `environment variable K_SERVICE is set` or `169.254.169.254: no answer within 500 ms`. */
  reason: string;
}

/** Options of {@link MetadataClient.detect}. */
export interface DetectOptions {
  /** With a residency signal, answer yes without a probe. Default false. */
  trustResidency?: boolean;
  /**
   * When the caller began needing the answer, as `performance.now()`; the bound counts from
   * there, so work the caller did meanwhile (reading other configuration) is inside the bound
   * rather than added to it. Default: now. Only the call that starts the detection sets it.
   */
  startedAt?: number;
}

/** Options of one metadata read. */
export interface MetadataGetOptions {
  /** Query parameters, e.g. `{ audience }`. */
  query?: Record<string, string | undefined>;
  /** Overrides the client's timeout and retries for this read. */
  http?: HttpOptions;
  /** Headers besides `Metadata-Flavor` (the `x-goog-api-client` of a token read). */
  headers?: Record<string, string>;
}

/**
 * A client of the Google Cloud metadata server. Every request sends `Metadata-Flavor: Google` and
 * refuses answers without it; every request is bounded (timeout and retries), and detection is
 * bounded even when a residency signal lies. Detection and values that never change on a
 * running instance (project id, universe, service-account emails) are cached per client.
 *
 * @example
 * ```ts
 * const metadata = new MetadataClient();
 * if (await metadata.isOnGoogleCloud()) console.log(await metadata.project());
 * ```
 */
export class MetadataClient {
  readonly #options: MetadataClientOptions;
  #residency?: Promise<string | undefined>;
  readonly #detections = new Map<boolean, Promise<Detection>>();
  #probe?: MetadataProbe;
  readonly #values = new Map<string, Promise<string>>();

  constructor(options: MetadataClientOptions = {}) {
    // A bad host fails here, where it was given, rather than at the first request.
    if (options.host !== undefined) metadataHosts({}, options.host);
    this.#options = { ...options };
  }

  /** Where requests go (the first host) and what detection probes (all of them). */
  get hosts(): MetadataHosts {
    return metadataHosts(this.#env(), this.#options.host);
  }

  /**
   * Reads `path` (relative to `/computeMetadata/v1/`) as text, or parsed when `json` is set.
   * Network failures, timeouts and 5xx after retries are `ERR_METADATA_UNAVAILABLE`; an answer
   * without `Metadata-Flavor: Google` is `ERR_METADATA_SPOOFED`; other statuses are `ERR_HTTP`.
   */
  get(path: string, options?: MetadataGetOptions & { json?: false }): Promise<string>;
  get<T = unknown>(path: string, options: MetadataGetOptions & { json: true }): Promise<T>;
  async get(path: string, options: MetadataGetOptions & { json?: boolean } = {}): Promise<unknown> {
    const host = this.hosts.hosts[0];
    const request = buildMetadataRequest(host, path, options.query, options.headers);
    const what = `metadata ${path}`;
    const http = { ...DEFAULT_METADATA_HTTP, ...this.#options.http, ...options.http };
    let body: string;
    try {
      body = await exchange(request, (r) => parseMetadataResponse(r, request.url, what), http);
    } catch (error) {
      throw isTransient(error) ? unavailable(error, host, path) : error;
    }
    return options.json ? parseMetadataJson(body, request.url, what) : body;
  }

  /** Instance metadata at `path` under `instance/`, e.g. `zone` or `id`. */
  instance(path: string, options?: MetadataGetOptions): Promise<string> {
    return this.get(`instance/${path}`, options);
  }

  /** The project id of the instance. Cached. */
  project(): Promise<string> {
    return this.#stable('project/project-id');
  }

  /** The instance's universe domain; `googleapis.com` when the server has none to say. Cached. */
  universeDomain(): Promise<string> {
    return this.#stable('universe/universe-domain', DEFAULT_UNIVERSE_DOMAIN);
  }

  /** The email of the instance's service account `account` (default `default`). Cached. */
  serviceAccountEmail(account = 'default'): Promise<string> {
    return this.#stable(`${serviceAccountPath(account)}/email`);
  }

  /** Whether we run on Google Cloud. Bounded; decided once per client; callers share it. */
  async isOnGoogleCloud(): Promise<boolean> {
    return (await this.detect()).onGoogleCloud;
  }

  /**
   * Decides whether we run on Google Cloud, with the reason. Residency is read while the probe
   * connects. Without a residency signal the whole detection is bounded by `probeTimeoutMs`;
   * with one, by `residentProbeTimeoutMs`, or no probe request is sent at all when
   * `trustResidency` is set (the next metadata request then proves it, which saves the
   * credentials path a round trip). Decided once per client; concurrent callers share it.
   *
   * @example
   * ```ts
   * const { onGoogleCloud, reason } = await new MetadataClient().detect();
   * if (!onGoogleCloud) console.log(`not on Google Cloud: ${reason}`);
   * ```
   */
  detect(options: DetectOptions = {}): Promise<Detection> {
    const trust = options.trustResidency === true;
    let detection = this.#detections.get(trust);
    if (!detection) {
      detection = this.#detect(trust, options.startedAt ?? performance.now());
      this.#detections.set(trust, detection);
      detection.catch(() => this.#detections.delete(trust));
    }
    return detection;
  }

  /** The first local sign of Google Cloud (no network), described; undefined when none. Cached. */
  residency(): Promise<string | undefined> {
    this.#residency ??= findResidencySignal({
      ...DEFAULT_RESIDENCY_INPUTS,
      ...definedOnly({
        dmiDir: this.#options.dmiDir,
        platform: this.#options.platform,
        networkInterfaces: this.#options.networkInterfaces,
      }),
      env: this.#env(),
    });
    return this.#residency;
  }

  async #detect(trustResidency: boolean, startedAt: number): Promise<Detection> {
    const explicit = this.#options.detection;
    const { mode, setBy } = explicit
      ? { mode: explicit, setBy: `detection option '${explicit}'` }
      : detectionModeFromEnv(this.#env());
    if (mode === 'assume-present') return { onGoogleCloud: true, reason: setBy };
    if (mode === 'none') return { onGoogleCloud: false, reason: setBy };
    const shortBound = this.#options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    if (mode === 'ping-only') {
      const probe = new MetadataProbe(this.hosts.hosts, { boundMs: shortBound, startedAt });
      return probeDetection(await probe.result, setBy);
    }
    if (mode === 'bios-only') {
      const signal = await this.residency();
      return signal
        ? { onGoogleCloud: true, reason: signal }
        : { onGoogleCloud: false, reason: `no residency signal (${setBy})` };
    }

    // The probe connects while residency is read, under one deadline counted from the start. Its
    // request waits for residency only when a signal would make the probe unnecessary.
    const probe = this.#sharedProbe(shortBound, startedAt);
    const residency = this.residency();
    if (!trustResidency) probe.ask();
    const signal = await residency;
    if (signal && trustResidency) {
      this.#release(probe);
      return { onGoogleCloud: true, reason: signal };
    }
    const residentBound = this.#options.residentProbeTimeoutMs ?? DEFAULT_RESIDENT_PROBE_TIMEOUT_MS;
    if (signal) probe.extend(residentBound);
    probe.ask();
    return probeDetection(await probe.result, signal ?? 'no residency signal');
  }

  /**
   * The probe both kinds of detection share: residency is the same for both, so without a
   * signal both need the short-bound probe, and with one only the untrusting kind needs it.
   */
  #sharedProbe(boundMs: number, startedAt: number): MetadataProbe {
    this.#probe ??= new MetadataProbe(this.hosts.hosts, { boundMs, startedAt, ask: false });
    return this.#probe;
  }

  /** Closes a probe nobody has asked to send, so a later detection starts a fresh one. */
  #release(probe: MetadataProbe): void {
    if (probe.asked) return;
    probe.cancel();
    if (this.#probe === probe) this.#probe = undefined;
  }

  /** A value that cannot change while the instance runs: fetched once, retried after a failure. */
  #stable(path: string, whenMissing?: string): Promise<string> {
    let value = this.#values.get(path);
    if (!value) {
      value = this.get(path)
        .then((text) => text.trim() || (whenMissing ?? text))
        .catch((error: unknown) => {
          if (whenMissing !== undefined && isNotFound(error)) {
            return whenMissing;
          }
          throw error;
        });
      this.#values.set(path, value);
      value.catch(() => this.#values.delete(path));
    }
    return value;
  }

  #env(): Environment {
    return this.#options.env ?? process.env;
  }
}

/** The shared client `defaultCredentials()` and `ComputeCredentials` use unless given another. */
export const defaultMetadataClient = new MetadataClient();

function probeDetection(result: ProbeResult, context: string): Detection {
  return { onGoogleCloud: result.found, reason: `${context}; probe: ${result.detail}` };
}

function isNotFound(error: unknown): boolean {
  return (error instanceof HttpError || error instanceof OAuthError) && error.status === 404;
}

/** What retries could not fix: network trouble, timeouts, throttling and server errors. */
function isTransient(error: unknown): error is AuthError {
  return error instanceof AuthError && error.retryable;
}

/** After the retries, a transient failure means the server is unavailable. */
function unavailable(error: AuthError, host: string, path: string): AuthError {
  return new AuthError(
    'ERR_METADATA_UNAVAILABLE',
    `metadata server ${host} is unavailable for ${path}: ${error.message} (off Google Cloud, use a key file, or point GCE_METADATA_HOST at a metadata server)`,
    { cause: error },
  );
}
