// A Worker behind Identity-Aware Proxy (or called with Google ID tokens) that checks who is
// calling before answering. Google's and IAP's public keys are fetched once per isolate and kept
// for as long as Google's Cache-Control allows.
import { verifyIapJwt, verifyIdToken } from 'warrant';

export default {
  async fetch(request, env) {
    try {
      const iapJwt = request.headers.get('x-goog-iap-jwt-assertion');
      if (iapJwt) {
        const { email } = await verifyIapJwt(iapJwt, { audience: env.IAP_AUDIENCE });
        return new Response(`hello ${email}`);
      }
      const idToken = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      const { email } = await verifyIdToken(idToken, { audience: env.SERVICE_URL });
      return new Response(`hello ${email}`);
    } catch (error) {
      // error.code: ERR_ID_TOKEN_INVALID, ERR_ID_TOKEN_EXPIRED, ERR_ID_TOKEN_SIGNATURE, ...
      return new Response(error.code ?? 'error', { status: 401 });
    }
  },
};
