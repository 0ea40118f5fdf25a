import { drive } from '@googleapis/drive';
import { AuthorizedClient, ServiceAccountCredentials } from '../../src/index.js';
import { CLOUD_PLATFORM, type Step } from '../tour.js';

export const googleApis: Step = {
  title: "Google's generated clients: @googleapis/drive with warrant as auth",
  explain:
    'googleapis and @googleapis/* take an auth client; forGoogleApis() hands them an AuthorizedClient.',
  file: 'steps/googleapis.ts',
  async run({ emulator, show, check }) {
    const credentials = ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, {
      scopes: [CLOUD_PLATFORM],
    });
    const files = await drive({
      version: 'v3',
      auth: new AuthorizedClient(credentials).forGoogleApis(),
      rootUrl: `${emulator.url}/`, // the emulator answers in Drive's place
    }).files.list();
    show('files.list', `HTTP ${files.status}, kind ${files.data.kind}`);
    check(files.status === 200, 'drive.files.list() was authorized');
  },
};
