// CPU time of the calling thread (not the process): Linux exposes it per thread in
// /proc/thread-self/schedstat (nanoseconds on CPU). Elsewhere the process's CPU time stands in.
// The file is opened once per thread (this module is loaded once per worker, and only workers use
// it) and read again from offset 0 for each sample: one system call instead of open, stat, read, close.
import * as fs from 'node:fs';

let schedstat = process.platform === 'linux';
let fd: number | undefined;
const buf = Buffer.alloc(128);

/** Milliseconds of CPU time this thread has used so far. */
export function threadCpuMs(): number {
  if (schedstat) {
    try {
      if (fd === undefined) {
        const opened = fs.openSync('/proc/thread-self/schedstat', 'r');
        fd = opened;
        // Closed when the thread ends (terminate included): workers share the process's descriptors.
        process.once('exit', () => fs.closeSync(opened));
      }
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      const text = buf.toString('latin1', 0, n);
      return Number(text.slice(0, text.indexOf(' '))) / 1e6;
    } catch {
      schedstat = false;
    }
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
