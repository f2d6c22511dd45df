// Who an actor may send HTTP requests to: the allow-lists `allowed_hosts` and `allowed_methods` of an
// HTTP handler's table (wasi-http, http-client). One rule for every HTTP handler:
// - a key that is absent allows everything, as upstream Theater does;
// - a key that is present decides even when empty (`[]` allows none), as the environment handler's
//   lists fail closed;
// - an actor whose manifest grants no HTTP handler gets NO_HTTP: every request is refused.
// Hosts match case-insensitively: `example.com` (any port), `example.com:8080` (that port only),
// `*.example.com` (its subdomains, not itself), `*` (any). Methods match case-insensitively.
import type { HandlerConfig } from '../types';

export interface HttpPermissions {
  /** Allowed hosts (lower case); undefined: any host. */
  hosts: readonly string[] | undefined;
  /** Allowed methods (upper case); undefined: any method. */
  methods: readonly string[] | undefined;
}

/** No HTTP handler granted: no host and no method. */
export const NO_HTTP: HttpPermissions = { hosts: [], methods: [] };

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/** The allow-lists of a handler's (resolved or raw) config; undefined config: nothing granted. */
export function httpPermissionsFromConfig(config: HandlerConfig | Record<string, unknown> | undefined): HttpPermissions {
  if (!config) return NO_HTTP;
  const hosts = strings(config.allowed_hosts);
  const methods = strings(config.allowed_methods);
  return {
    hosts: hosts?.map((h) => h.trim().toLowerCase()),
    methods: methods?.map((m) => m.trim().toUpperCase()),
  };
}

/** `host` and `port` of a URL the way the allow-list compares them ('' when it has none). */
function hostAndPort(url: string): { host: string; port: string } | undefined {
  try {
    const u = new URL(url);
    if (!u.hostname) return undefined;
    const host = u.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return { host, port };
  } catch {
    return undefined;
  }
}

function hostAllowed(pattern: string, host: string, port: string): boolean {
  if (pattern === '*') return true;
  // `host:port` (an IPv6 literal needs brackets: `[::1]:8080`).
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(pattern);
  const [name, wantPort] = m ? [m[1]!.replace(/^\[(.*)\]$/, '$1'), m[2]!] : [pattern.replace(/^\[(.*)\]$/, '$1'), undefined];
  if (wantPort !== undefined && wantPort !== port) return false;
  if (name.startsWith('*.')) return host.endsWith(name.slice(1)) && host.length > name.length - 1;
  return name === host;
}

/**
 * Why a request is refused (one sentence, upstream's wording), or undefined when it is allowed.
 * `url` is the absolute request URI (`http://127.0.0.1:8080/path`).
 */
export function refusalFor(perms: HttpPermissions, method: string, url: string): string | undefined {
  const m = method.toUpperCase();
  if (perms.methods !== undefined && !perms.methods.includes(m)) {
    return `Method '${m}' not in allowed methods: ${perms.methods.length ? perms.methods.join(', ') : '<none configured>'}`;
  }
  const target = hostAndPort(url);
  if (!target) return `Request URI '${url}' has no host`;
  if (perms.hosts !== undefined && !perms.hosts.some((p) => hostAllowed(p, target.host, target.port))) {
    return `Host '${target.host}' not in allowed hosts: ${perms.hosts.length ? perms.hosts.join(', ') : '<none configured>'}`;
  }
  return undefined;
}

export type RequestVerdict = { kind: 'allowed'; url: URL } | { kind: 'denied'; message: string } | { kind: 'invalid'; message: string };

/**
 * http-client's check of one send-http request: an absolute http(s) URI and a method token (wasi-http's
 * types already guarantee both), then the allow-lists.
 */
export function checkHttpRequest(config: HandlerConfig, method: string, uri: string): RequestVerdict {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { kind: 'invalid', message: `'${uri}' is not an absolute URL; send-http needs http://host/path or https://host/path` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { kind: 'invalid', message: `'${uri}' is not an http or https URL; send-http sends only HTTP requests` };
  if (!/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/.test(method)) return { kind: 'invalid', message: `'${method}' is not an HTTP method` };
  const refusal = refusalFor(httpPermissionsFromConfig(config), method, uri);
  return refusal ? { kind: 'denied', message: refusal } : { kind: 'allowed', url };
}
