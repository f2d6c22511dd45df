// `theater debug-adapter`: the adapter over stdin/stdout, for any DAP client.
import { TheaterDebugSession } from './session';
import { connectStreams } from './wire';

export function runDebugAdapterOverStdio(): Promise<number> {
  // After disconnect: leave once stdout has flushed the response. The session only sends after a request arrived.
  const session: TheaterDebugSession = new TheaterDebugSession(
    (m) => send(m),
    () => process.stdout.write('', () => process.exit(0)),
  );
  const send = connectStreams(process.stdin, process.stdout, (m) => session.handle(m));
  return new Promise<number>((resolve) => process.stdin.on('end', () => resolve(0)));
}
