// A minimal LSP client for tests: JSON-RPC over a child's stdio (Content-Length framing) or over
// Node IPC. Waiting resolves on the message itself (no sleeps); a child that dies fails every wait.
import type { ChildProcess } from 'node:child_process';

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}
interface Waiter {
  method: string;
  pred: (params: any) => boolean;
  resolve: (params: any) => void;
  reject: (e: Error) => void;
}

export class LspClient {
  private buf = Buffer.alloc(0);
  private nextId = 0;
  private readonly pending = new Map<number | string, { resolve: (r: any) => void; reject: (e: Error) => void }>();
  private waiters: Waiter[] = [];
  /** Requests the server made (client/registerCapability …), answered by a handler from answer(), else with null. */
  readonly serverRequests: Message[] = [];
  private readonly answers = new Map<string, (params: any) => unknown>();
  /** Every notification received, in order. */
  readonly notifications: Message[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    private readonly child: ChildProcess,
    private readonly transport: 'stdio' | 'ipc',
  ) {
    if (transport === 'stdio')
      child.stdout!.on('data', (d: Buffer) => {
        this.buf = Buffer.concat([this.buf, d]);
        this.drain();
      });
    else child.on('message', (m) => this.dispatch(m as Message));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        const e = new Error(`the server exited (code ${code})`);
        for (const p of this.pending.values()) p.reject(e);
        for (const w of this.waiters) w.reject(e);
        this.pending.clear();
        this.waiters = [];
        resolve(code);
      }),
    );
  }

  private drain(): void {
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString())![1]);
      if (this.buf.length < sep + 4 + len) return;
      const body = this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(sep + 4 + len);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(msg: Message): void {
    if (msg.id !== undefined && !msg.method) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
      else p?.resolve(msg.result);
      return;
    }
    if (msg.method && msg.id !== undefined) {
      this.serverRequests.push(msg);
      const answer = this.answers.get(msg.method);
      this.write({ jsonrpc: '2.0', id: msg.id, result: answer ? answer(msg.params) : null });
    } else if (msg.method) {
      this.notifications.push(msg);
    }
    if (!msg.method) return;
    const i = this.waiters.findIndex((w) => w.method === msg.method && w.pred(msg.params));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg.params);
  }

  private write(m: Message): void {
    if (this.transport === 'ipc') {
      this.child.send(m);
      return;
    }
    const body = Buffer.from(JSON.stringify(m), 'utf8');
    this.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  request(method: string, params: unknown): Promise<any> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Answers the server's requests `method` (e.g. workspace/configuration) with what `fn` returns. */
  answer(method: string, fn: (params: any) => unknown): void {
    this.answers.set(method, fn);
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** The next notification or server request `method` (from now on) whose params satisfy `pred`. */
  next(method: string, pred: (params: any) => boolean = () => true): Promise<any> {
    return new Promise((resolve, reject) => this.waiters.push({ method, pred, resolve, reject }));
  }

  /** shutdown, then exit; resolves with the process exit code. */
  async stop(): Promise<number | null> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    return this.exited;
  }
}
