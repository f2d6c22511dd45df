// The http-client's check of one request against its allow-lists, with upstream Theater's
// permission sentences ("Host '{h}' not in allowed hosts: …").
import type { HandlerConfig } from '../types';

export type RequestVerdict = { kind: 'allowed'; url: URL } | { kind: 'denied'; message: string } | { kind: 'invalid'; message: string };

/** `example.com`, `example.com:8080` (that port only) or `*.example.com` (its subdomains). */
function hostMatches(entry: string, url: URL): boolean {
  const e = entry.toLowerCase();
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (e.startsWith('*.')) return host.endsWith(e.slice(1));
  const withPort = /^(.*):(\d+)$/.exec(e);
  if (withPort && !e.startsWith('[')) return withPort[1] === host && withPort[2] === port;
  if (e.startsWith('[')) {
    const m = /^(\[[^\]]+\])(?::(\d+))?$/.exec(e);
    return !!m && m[1] === host && (m[2] === undefined || m[2] === port);
  }
  return e === host;
}

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
  const methods = config.allowed_methods as string[] | undefined;
  if (methods !== undefined && !methods.some((m) => m.toUpperCase() === method.toUpperCase()))
    return {
      kind: 'denied',
      message: `Method '${method}' not in allowed methods: ${methods.length ? methods.join(', ') : '<none configured>'}`,
    };
  const hosts = config.allowed_hosts as string[] | undefined;
  if (hosts !== undefined && !hosts.some((h) => hostMatches(h, url)))
    return {
      kind: 'denied',
      message: `Host '${url.host}' not in allowed hosts: ${hosts.length ? hosts.join(', ') : '<none configured>'}`,
    };
  return { kind: 'allowed', url };
}
