/** IAP's public keys, a JWKS of ES256 keys, at the path Google serves them under (route `iap-jwks`). */
import type { EmulatorModule } from '../context.js';
import { json } from '../router.js';

export const IAP_JWKS_PATH = '/iap/verify/public_key-jwk';

export const iapKeys: EmulatorModule = ({ router }) => {
  router.add({
    name: 'iap-jwks',
    methods: ['GET'],
    paths: [IAP_JWKS_PATH],
    handle: (_request, state) =>
      json(200, state.iap.jwks(), { 'cache-control': 'public, max-age=3600' }),
  });
};
