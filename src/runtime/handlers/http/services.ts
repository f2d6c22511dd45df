// The main-thread services the HTTP handlers declare (HandlerDefinition.services): names and ops only.
// Their implementations are host.ts's, bound by name in host/services.ts, which only the session
// imports: the worker and the language server load these declarations without any server code.
import type { ServiceDeclaration } from '../types';
import { EXCHANGE_OP } from './outgoing';
import { HTTP_FRAMEWORK } from './types';

/**
 * http-client, http-framework and wasi-http share one per actor: every outgoing request (aborted when
 * the actor stops) and http-framework's servers. A restart closes it (its servers' ports are free
 * again): the fresh instance's init creates its servers again.
 */
export const HTTP_SERVICE: ServiceDeclaration = { name: 'http', ops: [EXCHANGE_OP, `${HTTP_FRAMEWORK}/`], freshOnRestart: true };

/**
 * wasi-http's incoming server: with `port` set and the incoming-handler export, it serves once init
 * is done. It takes no rpc (it calls the actor; the actor never calls it); a restart keeps it.
 */
export const WASI_HTTP_SERVER_SERVICE: ServiceDeclaration = { name: 'wasi-http-server', ops: [] };
