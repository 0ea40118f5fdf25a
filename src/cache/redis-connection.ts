import { InvalidOptionsError } from '../errors.js';

/** The few commands the token cache sends; node-redis' client and cluster both have them. */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(
    key: string,
    value: string,
    options: { condition?: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

interface RedisClientLike extends RedisCommands {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'ready' | 'error', listener: () => void): unknown;
  connect(): Promise<unknown>;
  destroy(): void;
}

/** Where the Redis server or cluster is. */
export interface RedisTarget {
  /** `redis://host:port` (or `rediss://`) of one server. */
  url?: string;
  /** Seed nodes of a Redis Cluster (`redis://host:port` each), instead of `url`. */
  clusterNodes?: readonly string[];
}

/** The bound on connecting, at least: a first connection costs more than a command. */
const CONNECT_TIMEOUT_MS = 1000;

/** Thrown for any Redis trouble; the cache turns it into a local mint, never a caller error. */
export class RedisFault extends Error {}

/**
 * One lazily created node-redis client (or cluster client) with the bounds that keep Redis
 * trouble away from callers: commands fail at once while disconnected (no offline queue), each
 * command has a time bound, and after a fault Redis is left alone for a while.
 */
export class RedisConnection {
  readonly #target: RedisTarget;
  readonly #commandTimeoutMs: number;
  readonly #retryAfterFaultMs: number;
  readonly #connectTimeoutMs: number;
  #client?: Promise<RedisClientLike>;
  #skipUntil = 0;
  #closed = false;

  constructor(target: RedisTarget, commandTimeoutMs: number, retryAfterFaultMs: number) {
    const hasUrl = typeof target.url === 'string' && target.url !== '';
    const hasNodes = Array.isArray(target.clusterNodes) && target.clusterNodes.length > 0;
    if (hasUrl === hasNodes) {
      throw new InvalidOptionsError(
        'RedisTokenCache needs exactly one of url (one server, e.g. redis://127.0.0.1:6379) or clusterNodes (seed nodes of a Redis Cluster)',
      );
    }
    for (const url of hasUrl ? [target.url as string] : (target.clusterNodes ?? [])) {
      if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
        throw new InvalidOptionsError(
          'RedisTokenCache url and clusterNodes must be redis:// or rediss:// URLs',
        );
      }
    }
    this.#target = target;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#retryAfterFaultMs = retryAfterFaultMs;
    this.#connectTimeoutMs = Math.max(commandTimeoutMs, CONNECT_TIMEOUT_MS);
  }

  /** False while Redis is being left alone after a fault. */
  get available(): boolean {
    return !this.#closed && Date.now() >= this.#skipUntil;
  }

  /** Runs `command` within the time bounds; any failure becomes a {@link RedisFault}. */
  async run<T>(command: (redis: RedisCommands) => Promise<T>): Promise<T> {
    try {
      const client = await this.#connected();
      return await within(command(client), this.#commandTimeoutMs, 'no answer');
    } catch (error) {
      this.#skipUntil = Date.now() + this.#retryAfterFaultMs;
      throw error instanceof RedisFault ? error : new RedisFault(describe(error));
    }
  }

  /** Closes the connection; the cache mints locally from then on. */
  close(): void {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    void client?.then((c) => c.destroy()).catch(() => undefined);
  }

  #connected(): Promise<RedisClientLike> {
    if (this.#closed) return Promise.reject(new RedisFault('the cache is closed'));
    this.#client ??= this.#create().catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  async #create(): Promise<RedisClientLike> {
    // Loaded on first use: programs without a shared cache never load the Redis client. The
    // time bounds start after it: loading is local work, not Redis being slow.
    const redis = await import('@redis/client');
    const socket = {
      connectTimeout: this.#connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000),
    };
    if (this.#target.url) {
      const client = redis.createClient({
        url: this.#target.url,
        disableOfflineQueue: true,
        socket,
      }) as unknown as RedisClientLike;
      // Errors surface through the commands that fail; the event needs a listener, or the
      // client's EventEmitter would throw them at the process.
      client.on('error', () => undefined);
      // Settles at the first attempt's outcome. The client goes on reconnecting by itself, and
      // commands fail at once until it is ready.
      const firstOutcome = new Promise<void>((resolve) => {
        client.once('ready', resolve);
        client.once('error', () => resolve());
        client.connect().catch(() => undefined);
      });
      await within(firstOutcome, this.#connectTimeoutMs, 'no connection').catch(() => undefined);
      return client;
    }
    const cluster = redis.createCluster({
      rootNodes: (this.#target.clusterNodes ?? []).map((url) => ({ url })),
      defaults: { disableOfflineQueue: true, socket },
    }) as unknown as RedisClientLike;
    cluster.on('error', () => undefined);
    // A cluster client needs its slot map first; a failed start is retried after the pause.
    await within(cluster.connect(), this.#connectTimeoutMs, 'no connection').catch(
      (error: unknown) => {
        cluster.destroy();
        throw error;
      },
    );
    return cluster;
  }
}

/** `promise`, or a {@link RedisFault} once `ms` pass. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisFault(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.constructor.name : 'unknown error';
}
