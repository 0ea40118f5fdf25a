// A real forward proxy on loopback: absolute-form requests for http, CONNECT tunnels for https.
// It records what passed through, and can demand Basic credentials (answering 407 otherwise).
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ForwardProxy {
  readonly url: string;
  /** `GET http://...` targets forwarded, and `CONNECT host:port` authorities tunnelled. */
  readonly forwarded: string[];
  /** One entry per tunnel, so per TCP connection to the target. */
  readonly tunnels: string[];
  close(): Promise<void>;
}

export async function startForwardProxy(requiredAuth?: string): Promise<ForwardProxy> {
  const forwarded: string[] = [];
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const authorized = (header: string | undefined) =>
    requiredAuth === undefined ||
    header === `Basic ${Buffer.from(requiredAuth).toString('base64')}`;
  const server: Server = createServer((incoming, outgoing) => {
    if (!authorized(incoming.headers['proxy-authorization'])) {
      outgoing.writeHead(407, { 'proxy-authenticate': 'Basic' }).end();
      return;
    }
    forwarded.push(incoming.url ?? '');
    const target = new URL(incoming.url ?? '');
    const headers = { ...incoming.headers };
    delete headers['proxy-authorization'];
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: incoming.method,
        headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (incoming, client: Socket, head: Buffer) => {
    if (!authorized(incoming.headers['proxy-authorization'])) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic\r\n\r\n');
      return;
    }
    tunnels.push(incoming.url ?? '');
    const [host, port] = (incoming.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    tunnels,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
