// Entry of the bundled server (dist/server.js), started by the extension over IPC.
import { startServer } from './server';

startServer(process.argv.includes('--stdio') ? 'stdio' : 'ipc');
