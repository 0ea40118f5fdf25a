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
  }

  /** False while Redis is being left alone after a fault. */
  get available(): boolean {
    return !this.#closed && Date.now() >= this.#skipUntil;
  }

  /** Runs `command` within the time bound; any failure becomes a {@link RedisFault}. */
  async run<T>(command: (redis: RedisCommands) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisFault(`no answer within ${this.#commandTimeoutMs} ms`)),
        this.#commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([this.#connected().then(command), timeout]);
    } catch (error) {
      this.#skipUntil = Date.now() + this.#retryAfterFaultMs;
      throw error instanceof RedisFault ? error : new RedisFault(describe(error));
    } finally {
      clearTimeout(timer);
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
    // Loaded on first use: programs without a shared cache never load the Redis client.
    const redis = await import('@redis/client');
    const socket = {
      connectTimeout: Math.max(this.#commandTimeoutMs, 1000),
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000),
    };
    const client = (this.#target.url
      ? redis.createClient({ url: this.#target.url, disableOfflineQueue: true, socket })
      : redis.createCluster({
          rootNodes: (this.#target.clusterNodes ?? []).map((url) => ({ url })),
          defaults: { disableOfflineQueue: true, socket },
        })) as unknown as RedisClientLike;
    // Errors surface through the commands that fail; the event must have a listener or the
    // client's EventEmitter would throw them at the process.
    client.on('error', () => undefined);
    if (this.#target.url) {
      // A single-server client reconnects by itself; commands fail fast until it is ready.
      client.connect().catch(() => undefined);
    } else {
      // A cluster client needs its slot map first; a failed start is retried after the pause.
      await client.connect().catch((error: unknown) => {
        client.destroy();
        throw error;
      });
    }
    return client;
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.constructor.name : 'unknown error';
}
