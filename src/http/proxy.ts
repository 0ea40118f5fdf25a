import { InvalidOptionsError } from '../errors.js';
import type { HttpUrl } from './send.js';

type Target = Pick<HttpUrl, 'hostname' | 'origin' | 'href'>;

/**
 * The forward proxy for `target`, or undefined to go direct. `option` wins over the
 * environment; from the environment, one proxy serves every scheme (HTTPS_PROXY, https_proxy,
 * HTTP_PROXY, http_proxy, first set wins) and NO_PROXY/no_proxy lists what bypasses it: a host
 * name, an origin, a whole URL, or a domain suffix written `.example.com` or `*.example.com`.
 * This is the rule gaxios applies, so a process configured for google-auth-library behaves the same.
 * The environment is read on every request, so a change to it applies to the next one.
 */
export function proxyFor(target: Target, option: string | false | undefined): URL | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return parseProxy(option, 'the http.proxy option');
  const env = typeof process === 'undefined' ? {} : process.env;
  const value = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (!value || bypassed(target, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return parseProxy(value, 'HTTPS_PROXY/HTTP_PROXY');
}

function bypassed(target: Target, noProxy: string): boolean {
  for (const raw of noProxy.split(',')) {
    const rule = raw.trim().toLowerCase();
    if (!rule) continue;
    if (rule === '*') return true;
    if (rule.startsWith('.') || rule.startsWith('*.')) {
      if (target.hostname.endsWith(rule.replace(/^\*/, ''))) return true;
    } else if (rule === target.hostname || rule === target.origin || rule === target.href) {
      return true;
    }
  }
  return false;
}

// The proxy setting rarely changes: the last one read is kept parsed, keyed by its raw text.
let lastProxy: { value: string; url: URL } | undefined;

function parseProxy(value: string, where: string): URL {
  if (lastProxy?.value === value) return lastProxy.url;
  let url: URL | undefined;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:') {
    // The value may hold a password: name the setting, not the value.
    throw new InvalidOptionsError(
      `${where} is not an http:// proxy URL (write it as http://host:port)`,
    );
  }
  lastProxy = { value, url };
  return url;
}

/** `Proxy-Authorization` for a proxy URL with user:password, else undefined. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const pair = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}
