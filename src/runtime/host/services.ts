// The implementations of the main-thread services, by the name the handlers declare them with
// (HandlerDefinition.services, handlers/types.ts's ServiceDeclaration): the one table that binds a
// declaration to the code that spawns processes and runs servers. Only the session (session.ts, main
// thread) imports it, so the actor's worker and the language server, which load the registry, carry
// none of that code (test/runtime/mainThreadServices.test.ts keeps the table and the declarations in step).
import { createHttpService, createIncomingServerService } from '../handlers/http/host';
import type { MainThreadService, ServiceDeclaration, ServiceHost } from '../handlers/types';
import { createProcessService } from './processes';

/** Makes one actor's instance of a service. */
export type ServiceFactory = (host: ServiceHost) => MainThreadService;

/**
 * Service name → its implementation (the names of handlers/process.ts's PROCESS_SERVICE and
 * handlers/http/services.ts's declarations). Literal keys: a bundle that does not create services
 * (the time-travel worker loads session.ts for less) drops the table and everything it reaches.
 */
export const SERVICE_FACTORIES: Readonly<Record<string, ServiceFactory>> = {
  processes: createProcessService,
  http: createHttpService,
  'wasi-http-server': createIncomingServerService,
};

/** One actor's instance of the service `decl` names. */
export function createService(decl: ServiceDeclaration, host: ServiceHost): MainThreadService {
  const factory = Object.hasOwn(SERVICE_FACTORIES, decl.name) ? SERVICE_FACTORIES[decl.name] : undefined;
  if (!factory) throw new Error(`the runtime has no implementation of the main-thread service '${decl.name}' (host/services.ts)`);
  return factory(host);
}
