// Loaded by mocha before every spec: no test may reach beyond loopback.
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)(:\d+)?$/.test(host));

process.env.GCE_METADATA_HOST ??= '127.0.0.1:9';
process.env.METADATA_SERVER_DETECTION ??= 'none';
