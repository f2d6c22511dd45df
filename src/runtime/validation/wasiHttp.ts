// The checks of a wasi-http table against the component it serves (both the CLI's `theater check`
// and the language server get them through validateManifestText):
// - `port` set, but the component exports no wasi:http/incoming-handler: nothing would be served;
// - a componentize-js (StarlingMonkey) component answering with the fetch event
//   (`addEventListener('fetch', …)`) answers one request per instance, so it needs
//   `instance_per_request = true`. The component's world cannot tell the fetch event from an exported
//   `incomingHandler` (both export the same interface); what tells them apart is the JavaScript source,
//   which componentize-js keeps in the component's data. So this one is found by looking for that
//   source text: a hint, as a minified or indirect registration escapes it.
import type { ComponentWorld } from '../component/world';

export interface WasiHttpProblem {
  code: 'wasi-http-port-without-export' | 'wasi-http-needs-instance-per-request';
  severity: 'warning' | 'hint';
  message: string;
  /** The config key the problem is about (its value's range is where it is shown). */
  key: 'port' | 'instance_per_request';
}

const FETCH_EVENT = /addEventListener\(\s*['"`]fetch['"`]/;

/** Whether the component's data holds a fetch-event registration (componentize-js keeps its source). */
export function registersFetchEvent(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buf.indexOf('addEventListener('); at >= 0; at = buf.indexOf('addEventListener(', at + 1)) {
    if (FETCH_EVENT.test(buf.toString('latin1', at, at + 40))) return true;
  }
  return false;
}

export function wasiHttpProblems(world: ComponentWorld, bytes: Uint8Array, config: Record<string, unknown>): WasiHttpProblem[] {
  const exported = world.exports.find((e) => e.name.startsWith('wasi:http/incoming-handler@'));
  const problems: WasiHttpProblem[] = [];
  if (config.port !== undefined && !exported) {
    problems.push({
      code: 'wasi-http-port-without-export',
      severity: 'warning',
      key: 'port',
      message:
        'The wasi-http handler has a port, but the component does not export wasi:http/incoming-handler, so nothing is served there; export the interface or remove `port`.',
    });
  }
  if (exported && config.port !== undefined && config.instance_per_request !== true && registersFetchEvent(bytes)) {
    problems.push({
      code: 'wasi-http-needs-instance-per-request',
      severity: 'warning',
      key: 'port',
      message:
        "The component answers HTTP with the fetch event (addEventListener('fetch', …)), which answers one request per instance; set `instance_per_request = true` in its wasi-http table, or every request after the first fails.",
    });
  }
  return problems;
}
