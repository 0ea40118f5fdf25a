// Real Redis for the shared-cache tests: Debian's redis-server on free loopback ports, in a
// temporary directory, stopped after. One server, or a three-master Redis Cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One running redis-server. */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  readonly #extraArgs: string[];
  #process?: ChildProcess;

  private constructor(port: number, dir: string, extraArgs: string[]) {
    this.port = port;
    this.dir = dir;
    this.#extraArgs = extraArgs;
  }

  /** Starts a server on a free port (and, for a cluster node, a free bus port: port + 10000). */
  static async start(extraArgs: string[] = []): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'warrant-redis-'));
    const clusterNode = extraArgs.includes('--cluster-enabled');
    const server = new RedisServer(await freePort(clusterNode), dir, extraArgs);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** (Re)starts the server on its port and resolves when it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--logfile',
        '',
        ...this.#extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.#process = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`redis-server on ${this.port} exited (${code}): ${output.slice(-500)}`)),
      );
      child.once('error', reject);
    });
  }

  /** Kills the server without warning (SIGKILL) and resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Runs redis-cli against this server and returns its output. */
  async cli(...args: string[]): Promise<string> {
    return redisCli(['-p', String(this.port), ...args]);
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A three-master Redis Cluster on loopback. */
export class RedisCluster {
  readonly nodes: RedisServer[];

  private constructor(nodes: RedisServer[]) {
    this.nodes = nodes;
  }

  static async start(): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        nodes.push(
          await RedisServer.start([
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '5000',
          ]),
        );
      }
      await redisCli([
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      // Each node must see the whole slot map before clients can rely on it.
      for (const node of nodes) {
        while (!(await node.cli('cluster', 'info')).includes('cluster_state:ok')) {
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      return new RedisCluster(nodes);
    } catch (error) {
      await Promise.all(nodes.map((n) => n.stop()));
      throw error;
    }
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

async function redisCli(args: string[]): Promise<string> {
  const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': output can still be in the pipes when the process has exited.
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`redis-cli ${args.join(' ')} failed (${code}): ${output}`);
  return output;
}

/** A free loopback port; for a cluster node, one whose bus port (port + 10000) is free too. */
async function freePort(withBus: boolean): Promise<number> {
  for (;;) {
    const port = await listenAndClose(0);
    if (!withBus) return port;
    if (port + 10000 <= 65535 && (await listenAndClose(port + 10000).catch(() => 0)) !== 0) {
      return port;
    }
  }
}

async function listenAndClose(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const chosen = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return chosen;
}
