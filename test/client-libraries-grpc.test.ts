import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { GrpcClient } from 'google-gax';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { selfSignedLoopbackCert, type CertificatePem } from './support/self-signed-cert.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** What the server saw: the call metadata that authorizes a Google API call. */
interface Received {
  authorization: string[];
  quotaProject: string[];
}

const bytes = (value: Buffer): Buffer => value;

// One unary method whose messages are raw bytes, so the test needs no .proto file.
const WHO_AM_I_SERVICE = {
  whoAmI: {
    path: '/warrant.test.Echo/WhoAmI',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
} satisfies grpc.ServiceDefinition;

const WhoAmIClient = grpc.makeGenericClientConstructor(WHO_AM_I_SERVICE, 'Echo');

// Node 26 refuses an IP address as the TLS server name: connect to 127.0.0.1, check the
// certificate's DNS name.
const CERTIFICATE_NAME = { 'grpc.ssl_target_name_override': 'localhost' };

interface WhoAmIStub {
  whoAmI(
    request: Buffer,
    callback: (error: grpc.ServiceError | null, reply?: Buffer) => void,
  ): void;
  close(): void;
}

function whoAmI(stub: WhoAmIStub): Promise<Received> {
  return new Promise((resolve, reject) => {
    stub.whoAmI(Buffer.alloc(0), (error, reply) => {
      if (error) reject(error);
      else resolve(JSON.parse(String(reply)) as Received);
    });
  });
}

describe('warrant credentials in gRPC clients over TLS', () => {
  const emulator = useEmulator();
  let tls: CertificatePem;
  let server: grpc.Server;
  let port: number;

  before(async () => {
    tls = await selfSignedLoopbackCert();
    server = new grpc.Server();
    server.addService(WHO_AM_I_SERVICE, {
      whoAmI: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
        const received: Received = {
          authorization: call.metadata.get('authorization').map(String),
          quotaProject: call.metadata.get('x-goog-user-project').map(String),
        };
        done(null, Buffer.from(JSON.stringify(received)));
      },
    });
    const serverCredentials = grpc.ServerCredentials.createSsl(null, [
      { cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) },
    ]);
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', serverCredentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  });

  after(() => server?.forceShutdown());

  const credentials = () =>
    ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: [SCOPE],
      http: FAST_HTTP,
    }).withQuotaProject('billing');

  /** Calls the server once and checks it received the emulator's token and the quota project. */
  async function expectAuthorizedCall(
    stub: WhoAmIStub,
    source: ServiceAccountCredentials,
  ): Promise<void> {
    try {
      const received = await whoAmI(stub);
      const headers = await source.getRequestHeaders();
      assert.deepEqual(received, {
        authorization: [headers.get('authorization')],
        quotaProject: [headers.get('x-goog-user-project')],
      });
      assert.match(received.authorization[0], /^Bearer ya29\./);
    } finally {
      stub.close();
    }
  }

  it('@grpc/grpc-js createFromGoogleCredential sends authorization and the quota project as call metadata', async () => {
    const source = credentials();
    const channel = grpc.credentials.combineChannelCredentials(
      grpc.credentials.createSsl(Buffer.from(tls.cert)),
      grpc.credentials.createFromGoogleCredential(source as never),
    );
    const stub = new WhoAmIClient(
      `127.0.0.1:${port}`,
      channel,
      CERTIFICATE_NAME,
    ) as unknown as WhoAmIStub;
    await expectAuthorizedCall(stub, source);
  });

  it('google-gax GrpcClient given warrant credentials as authClient sends authorization', async () => {
    const source = credentials();
    // The server's certificate is self-signed: trust it where gax builds its TLS credentials,
    // and leave the rest of gax (reading the auth client's headers) as it is.
    const trustingLoopback = {
      ...grpc,
      credentials: {
        ...grpc.credentials,
        createSsl: () => grpc.credentials.createSsl(Buffer.from(tls.cert)),
      },
    };
    const gax = new GrpcClient({
      authClient: source as never,
      universeDomain: 'googleapis.com',
      grpc: trustingLoopback as never,
    });
    const stub = (await gax.createStub(WhoAmIClient as never, {
      servicePath: '127.0.0.1',
      port,
      ...CERTIFICATE_NAME,
    })) as unknown as WhoAmIStub;
    await expectAuthorizedCall(stub, source);
  });
});
