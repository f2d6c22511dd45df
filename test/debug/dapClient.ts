// A minimal DAP client over a child process's stdio, as an editor would drive `theater debug-adapter`.
import { spawn, type ChildProcess } from 'node:child_process';
import { connectStreams, type DapMessage } from '../../src/debug/wire';

export class DapClient {
  private seq = 1;
  private readonly pending = new Map<number, (m: any) => void>();
  private readonly events: any[] = [];
  private readonly waiters: Array<{ match: (e: any) => boolean; resolve: (e: any) => void }> = [];
  private readonly send: (m: object) => void;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.send = connectStreams(this.child.stdout!, this.child.stdin!, (m: DapMessage) => {
      if (m.type === 'response') this.pending.get(m.request_seq as number)?.(m);
      else if (m.type === 'event') {
        const i = this.waiters.findIndex((w) => w.match(m));
        if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
        else this.events.push(m);
      }
    });
  }

  request(command: string, args?: object): Promise<any> {
    const seq = this.seq++;
    return new Promise((resolve) => {
      this.pending.set(seq, resolve);
      this.send({ seq, type: 'request', command, ...(args ? { arguments: args } : {}) });
    });
  }

  /** Resolves with the first event named `name` (already received or arriving later). */
  waitFor(name: string, timeoutMs = 20_000): Promise<any> {
    const match = (e: any) => e.event === name;
    const i = this.events.findIndex(match);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${name}' event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** The variables of the stopped frame's scope named like `scope`, as name → value. */
  async variables(scopePrefix: string): Promise<Record<string, string>> {
    const st = await this.request('stackTrace', { threadId: 1 });
    const scopes = await this.request('scopes', { frameId: st.body.stackFrames[0].id });
    const scope = scopes.body.scopes.find((s: any) => s.name.startsWith(scopePrefix));
    const vars = await this.request('variables', { variablesReference: scope.variablesReference });
    return Object.fromEntries(vars.body.variables.map((v: any) => [v.name, v.value]));
  }
}
