// CPU time of the calling thread (not the process): Linux exposes it per thread in
// /proc/thread-self/schedstat (nanoseconds on CPU). Elsewhere the process's CPU time stands in.
import * as fs from 'node:fs';

let schedstat = process.platform === 'linux';

/** Milliseconds of CPU time this thread has used so far. */
export function threadCpuMs(): number {
  if (schedstat) {
    try {
      const text = fs.readFileSync('/proc/thread-self/schedstat', 'latin1');
      return Number(text.slice(0, text.indexOf(' '))) / 1e6;
    } catch {
      schedstat = false;
    }
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
