// The debug adapter in a worker thread, for VS Code's inline adapter: DAP messages arrive and leave as
// worker messages, so loading, decoding and scanning a chain never run on the extension host's thread.
import { parentPort } from 'node:worker_threads';
import { TheaterDebugSession } from './session';

const port = parentPort!;
const session = new TheaterDebugSession(
  (m) => port.postMessage(m),
  // After the disconnect response: nothing more to do here; the editor disposes of the adapter.
  () => port.postMessage({ type: 'theater/disconnected' }),
);
port.on('message', (m) => session.handle(m));
