// The http-client's check of one request: an absolute http(s) URI and a method token, then the
// allow-lists `allowed_hosts` and `allowed_methods` by the rule every HTTP handler shares
// (permissions.ts, with upstream Theater's sentences).
import type { HandlerConfig } from '../types';
import { httpPermissionsFromConfig, refusalFor } from './permissions';

export type RequestVerdict = { kind: 'allowed'; url: URL } | { kind: 'denied'; message: string } | { kind: 'invalid'; message: string };

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
