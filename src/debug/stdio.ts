// `theater debug-adapter`: the adapter over stdin/stdout, for any DAP client.
import { TheaterDebugSession } from './session';
import { connectStreams } from './wire';

export function runDebugAdapterOverStdio(): Promise<number> {
  let session: TheaterDebugSession | undefined;
  const send = connectStreams(process.stdin, process.stdout, (m) => session!.handle(m));
  // After disconnect: leave once stdout has flushed the response.
  session = new TheaterDebugSession(send, () => process.stdout.write('', () => process.exit(0)));
  return new Promise<number>((resolve) => process.stdin.on('end', () => resolve(0)));
}
