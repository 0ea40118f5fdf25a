/**
 * Public keys: the emulator's ID-token signing keys in Google's two formats, and each
 * service account's public keys at its `client_x509_cert_url`.
 *
 * Google serves X.509 certificates in its `{kid: PEM}` maps; the emulator serves SPKI public
 * keys ("-----BEGIN PUBLIC KEY-----"), which verifiers accept the same way, because minting
 * certificates would need a certificate library for no difference in what is proven.
 */
import type { EmulatorModule } from '../context.js';
import { apiErrorBody } from '../google-errors.js';
import { publicKeyPem } from '../keys.js';
import { json } from '../router.js';

/** Google's caching of its certificate endpoints. */
const CACHE_CONTROL = { 'cache-control': 'public, max-age=3600, must-revalidate, no-transform' };

const ROBOT_PREFIX = '/robot/v1/metadata/x509/';

export const certificates: EmulatorModule = ({ router }) => {
  router.add({
    name: 'certs',
    methods: ['GET'],
    paths: ['/oauth2/v1/certs'],
    handle: (_request, state) => json(200, state.signingKeys.pems(), CACHE_CONTROL),
  });
  router.add({
    name: 'jwks',
    methods: ['GET'],
    paths: ['/oauth2/v3/certs'],
    handle: (_request, state) => json(200, state.signingKeys.jwks(), CACHE_CONTROL),
  });
  router.add({
    name: 'robot',
    methods: ['GET'],
    prefixes: [ROBOT_PREFIX],
    handle: (request, state) => {
      const segment = request.path.slice(ROBOT_PREFIX.length);
      const account = [...state.serviceAccounts.values()].find(
        ({ email }) => segment === email || segment === encodeURIComponent(email),
      );
      if (!account) return json(404, apiErrorBody(404, 'No such service account.'));
      return json(200, { [account.privateKeyId]: publicKeyPem(account.publicKey) }, CACHE_CONTROL);
    },
  });
};
