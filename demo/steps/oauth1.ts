import { OAuth1Client } from '../../src/oauth1.js';
import type { Step } from '../tour.js';

/** OAuth Core 1.0, Appendix A.5: the published example request and its signature. */
const PUBLISHED_SIGNATURE = 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=';

export const oauth1: Step = {
  title: 'OAuth 1.0a: sign a request as the specification does',
  explain:
    "OAuth 1.0a (still used by some APIs) signs every request with the consumer and token secrets; here the specification's own example, with its clock and nonce.",
  file: 'steps/oauth1.ts',
  async run({ show, check }) {
    const client = new OAuth1Client({
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'kd94hf93k423kf44',
      token: 'nnch734d00sl2jdk',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      clock: () => 1191242096 * 1000,
      nonce: () => 'kllo9940pd9333jh',
    });
    const signed = client.sign({
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
    });
    show('signature', `${signed.signature} (HMAC-SHA1; published: ${PUBLISHED_SIGNATURE})`);
    show('header', `${signed.headers.authorization?.slice(0, 60)}…`);
    check(signed.signature === PUBLISHED_SIGNATURE, "the signature matches the specification's");
  },
};
