import { InvalidOptionsError } from '../errors.js';
import { envValue, type Environment } from './environment.js';

/** Google's metadata server addresses, raced when detecting. Requests go to the first. */
export const DEFAULT_METADATA_HOSTS: readonly string[] = [
  '169.254.169.254',
  'metadata.google.internal',
];

/** Where the metadata server is, and whether someone chose it rather than defaulting. */
export interface MetadataHosts {
  /** `host[:port]` values; requests use the first, detection probes all of them. */
  hosts: readonly string[];
  /** Names the setting that chose the host, e.g. `GCE_METADATA_HOST`; undefined for the defaults. */
  chosenBy?: string;
}

/**
 * The metadata server's host: `host` when given, else `GCE_METADATA_HOST` (`host[:port]`), else
 * `GCE_METADATA_ROOT` (its older name, still read by google-auth python), else
 * `GCE_METADATA_IP`, else Google's two addresses. A value with a scheme or a path is rejected, so
 * a typo fails loudly instead of silently reaching the wrong server.
 */
export function metadataHosts(env: Environment, host?: string): MetadataHosts {
  if (host !== undefined && typeof host !== 'string') {
    throw new InvalidOptionsError('the host option must be host[:port] (e.g. 127.0.0.1:8080)');
  }
  const chosen: Array<[string, string | undefined]> = [
    ['the host option', host?.trim() || undefined],
    ['GCE_METADATA_HOST', envValue(env, 'GCE_METADATA_HOST')],
    ['GCE_METADATA_ROOT', envValue(env, 'GCE_METADATA_ROOT')],
    ['GCE_METADATA_IP', envValue(env, 'GCE_METADATA_IP')],
  ];
  for (const [chosenBy, value] of chosen) {
    if (value !== undefined) return { hosts: [checkHost(value, chosenBy)], chosenBy };
  }
  return { hosts: DEFAULT_METADATA_HOSTS };
}

/** Where a `host[:port]` value connects: the name or address, the port, and its `Host` header. */
export interface HostAddress {
  /** A name or an IP address; an IPv6 address without its brackets. */
  hostname: string;
  port: number;
  /** The value for the HTTP `Host` header, as a URL normalises it: with the port unless it is 80. */
  hostHeader: string;
}

/**
 * Splits `host[:port]` (`169.254.169.254`, `localhost:9`, `[::1]:8080`) into what a socket
 * connects to. The port defaults to 80. A value that is not `host[:port]` is ERR_INVALID_OPTIONS.
 */
export function hostAddress(host: string): HostAddress {
  const url = new URL(`http://${checkHost(host, 'a metadata host')}`);
  return {
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 80 : Number(url.port),
    hostHeader: url.host,
  };
}

function checkHost(value: string, chosenBy: string): string {
  if (/[/?#@\s]/.test(value) || !URL.canParse(`http://${value}`)) {
    throw new InvalidOptionsError(
      `${chosenBy} must be host[:port] (e.g. 127.0.0.1:8080), not '${value}'`,
    );
  }
  return value;
}
