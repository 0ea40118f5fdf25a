import type { Socket } from 'node:net';
import { nodeNet } from '../platform/node-builtins.js';
import { hostAddress } from './hosts.js';
import { isMetadataResponse } from './metadata-request.js';
import { buildProbeRequest, parseResponseHead } from './probe-http.js';

/** What a probe found. */
export interface ProbeResult {
  found: boolean;
  /** One line per host: which answered as a metadata server, or why it did not. */
  detail: string;
}

const TIMER_SLACK_MS = 2;

/** Options of a {@link MetadataProbe}. */
export interface MetadataProbeOptions {
  /** How long the whole probe may take, DNS, connection and answer included. */
  boundMs: number;
  /** When the question was asked, as `performance.now()`; the bound counts from here. Default now. */
  startedAt?: number;
  /**
   * Whether to send the HTTP request as soon as a host is connected. When false, connections
   * are opened but nothing is sent until {@link MetadataProbe.ask}. Default true.
   */
  ask?: boolean;
}

/**
 * One bounded probe of the metadata hosts, raced. Each host gets a TCP connection; a refusal,
 * an unreachable network or an unknown name decides "not this host" at the socket, in about a
 * millisecond, with no HTTP client involved. On a connection it sends a GET of the metadata
 * root and reads only the response head: the host counts when it answers with
 * `Metadata-Flavor: Google`. The first such host wins and every other connection is closed;
 * at the deadline, whatever has not answered counts as silent.
 */
export class MetadataProbe {
  /** Never rejects: every failure is a host's detail. */
  readonly result: Promise<ProbeResult>;
  readonly #attempts: HostAttempt[];
  readonly #startedAt: number;
  #boundMs: number;
  #asked = false;
  #timer?: NodeJS.Timeout;

  constructor(hosts: readonly string[], options: MetadataProbeOptions) {
    this.#startedAt = options.startedAt ?? performance.now();
    this.#boundMs = options.boundMs;
    this.#attempts = hosts.map((host) => new HostAttempt(host));
    this.#arm();
    if (options.ask ?? true) this.ask();
    this.result = this.#race().finally(() => {
      clearTimeout(this.#timer);
      for (const attempt of this.#attempts) attempt.stop('abandoned');
    });
  }

  /** Whether the HTTP request has been allowed. */
  get asked(): boolean {
    return this.#asked;
  }

  /** Sends the request on every connection, now or as soon as each is made. */
  ask(): void {
    this.#asked = true;
    for (const attempt of this.#attempts) attempt.ask();
  }

  /** Moves the deadline to `boundMs` after the start; a shorter bound than the current is ignored. */
  extend(boundMs: number): void {
    if (boundMs <= this.#boundMs) return;
    this.#boundMs = boundMs;
    this.#arm();
  }

  /** Ends the probe now: hosts that have not answered count as `reason`. */
  cancel(reason = 'cancelled'): void {
    for (const attempt of this.#attempts) attempt.stop(reason);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const bound = this.#boundMs;
    // Node's timers count whole milliseconds from a cached loop time and fire up to two late:
    // arming that much early keeps the bound a bound rather than a minimum.
    const left = Math.max(0, this.#startedAt + bound - performance.now() - TIMER_SLACK_MS);
    this.#timer = setTimeout(() => this.cancel(`no answer within ${bound} ms`), left);
  }

  async #race(): Promise<ProbeResult> {
    const outcomes = this.#attempts.map((attempt) => attempt.outcome);
    const winner = await Promise.any(
      outcomes.map((outcome) => outcome.then((r) => (r.found ? r : Promise.reject(r)))),
    ).catch(() => undefined);
    if (winner) return winner;
    const results = await Promise.all(outcomes);
    return { found: false, detail: results.map((r) => r.detail).join('; ') };
  }
}

/** One host's connection, request and answer; settles once, and closes its socket when it does. */
class HostAttempt {
  readonly outcome: Promise<ProbeResult>;
  readonly #host: string;
  #hostHeader = '';
  #socket?: Socket;
  #connected = false;
  #asked = false;
  #sent = false;
  #settled = false;
  #received = '';
  #resolve!: (result: ProbeResult) => void;

  constructor(host: string) {
    this.#host = host;
    this.outcome = new Promise((resolve) => (this.#resolve = resolve));
    try {
      const address = hostAddress(host);
      this.#hostHeader = address.hostHeader;
      this.#socket = nodeNet().connect({ host: address.hostname, port: address.port });
    } catch {
      this.#settle(false, 'not a host[:port] a connection can be made to');
      return;
    }
    this.#socket
      .setNoDelay(true)
      .on('connect', () => {
        this.#connected = true;
        if (this.#asked) this.#send();
      })
      .on('data', (chunk: Buffer) => this.#read(chunk))
      .on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ? ` (${error.code})` : '';
        this.#settle(false, `connection ${this.#connected ? 'lost' : 'failed'}${code}`);
      })
      .on('close', () => this.#settle(false, 'closed the connection without an HTTP answer'));
  }

  /** Allows the request: sent now when connected, else as soon as the connection is made. */
  ask(): void {
    // Asked twice (trusting and untrusting detection share a probe), it must still write once.
    if (this.#asked) return;
    this.#asked = true;
    if (this.#connected) this.#send();
  }

  /** Gives up on the host with `detail`, unless it has already settled. */
  stop(detail: string): void {
    this.#settle(false, detail);
  }

  /** Writes the request once per socket, however often the probe is asked. */
  #send(): void {
    if (this.#settled || this.#sent) return;
    this.#sent = true;
    this.#socket?.write(buildProbeRequest(this.#hostHeader));
  }

  #read(chunk: Buffer): void {
    if (!this.#asked) {
      this.#settle(false, 'spoke before it was asked anything, so it is not an HTTP server');
      return;
    }
    this.#received += chunk.toString('latin1');
    const head = parseResponseHead(this.#received);
    if (head === 'incomplete') return;
    if (head === 'not-http') {
      this.#settle(false, 'answered with something that is not HTTP');
    } else if (isMetadataResponse(head)) {
      this.#settle(true, 'answered');
    } else {
      this.#settle(false, `answered HTTP ${head.status} without Metadata-Flavor: Google`);
    }
  }

  #settle(found: boolean, detail: string): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#socket?.destroy();
    this.#resolve({
      found,
      detail: found ? `${this.#host} ${detail}` : `${this.#host}: ${detail}`,
    });
  }
}
