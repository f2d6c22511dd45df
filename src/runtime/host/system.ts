// The actors of one runtime (main thread): starts them, routes message-server calls between them by
// actor id, supervises children, and stops a tree children first. Each actor keeps its own worker,
// queue and chain (session.ts); this module only decides who gets which call, and when.
import * as crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { EventCause } from '../chain/event';
import { fromHex, toHex } from '../chain/hash';
import { MESSAGE_CLIENT, SUPERVISOR_HANDLERS } from '../handlers/actorExports';
import { MESSAGE_HOST } from '../handlers/messageServer';
import { DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_WINDOW_S, SUPERVISOR } from '../handlers/supervisor';
import { responseText } from '../text/response';
import type { StartOptions } from './api';
import type { ReplyTo } from './rpcReply';
import { startActor, type ActorSession, type CallOutcome } from './session';

type Result<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: string };
const ok = <T>(val: T): Result<T> => ({ tag: 'ok', val });
const err = (val: string): Result<never> => ({ tag: 'err', val });

interface Deferred {
  requestId: string;
  requester: ActorNode | undefined;
  answer: (r: Result<Uint8Array>) => void;
}

export interface ActorNode {
  session: ActorSession;
  parent: ActorNode | undefined;
  children: Set<ActorNode>;
  /** The state init gets on a restart (manifest init_state or spawn's init-bytes). */
  initialState: Uint8Array | null;
  /** The actor this one waits on (a request, spawn or channel open): request cycles are refused. */
  waitingOn: ActorNode | undefined;
  /**
   * What it waits for (one object per wait): a wait ends only its own mark, so the answer to an
   * earlier request that arrives here after the caller went on (it got the response straight from
   * the target's worker) does not end a later wait.
   */
  waitingFor: object | undefined;
  /** Requests to this actor that have no answer yet, by request id. */
  outstanding: Map<string, Deferred>;
  /** Effects of the last host call, applied once its event is on disk (commit). */
  pendingEffect: ((cause: EventCause) => void) | undefined;
  restarts: number[];
  maxRestarts: number;
  restartWindowMs: number;
  /** Set while the parent itself stops this child (no handle-child-external-stop then). */
  stoppingByParent: boolean;
}

interface Channel {
  id: string;
  a: ActorNode;
  b: ActorNode;
  open: boolean;
}

export interface UnhandledFailure {
  actor: ActorSession;
  fn: string;
  error: string;
}

export interface SystemOptions {
  /** Where actor, request and channel ids come from (tests: a fixed sequence); default random UUIDs. */
  ids?: (kind: 'actor' | 'request' | 'channel') => string;
  dataDir?: string;
  callTimeoutMs?: number;
  maxMemoryMiB?: number;
  activateByImports?: boolean;
  /** Start-up progress of every actor (transpiling a component), for a CLI or a status bar. */
  onProgress?: (message: string) => void;
}

const describe = (n: ActorNode) => `actor ${n.session.name} (${n.session.id})`;

export class ActorSystem extends EventEmitter {
  private readonly actors = new Map<string, ActorNode>();
  private readonly channels = new Map<string, Channel>();
  /** Failures no supervisor took care of (the CLI exits 1 when there is one). */
  readonly unhandled: UnhandledFailure[] = [];

  constructor(private readonly options: SystemOptions = {}) {
    super();
  }

  private newId(kind: 'actor' | 'request' | 'channel'): string {
    return this.options.ids?.(kind) ?? crypto.randomUUID();
  }

  get(id: string): ActorNode | undefined {
    return this.actors.get(id);
  }

  list(): ActorNode[] {
    return [...this.actors.values()];
  }

  /** Starts a root actor (init runs right away; wait for `init-done` on the session). */
  async start(options: StartOptions): Promise<ActorSession> {
    return (await this.spawnNode(options, undefined)).session;
  }

  private async spawnNode(options: StartOptions, parent: ActorNode | undefined): Promise<ActorNode> {
    const full: StartOptions = {
      ...(this.options.ids ? { actorId: this.options.ids('actor') } : {}),
      ...(this.options.dataDir ? { dataDir: this.options.dataDir } : {}),
      ...(this.options.callTimeoutMs ? { callTimeoutMs: this.options.callTimeoutMs } : {}),
      ...(this.options.maxMemoryMiB ? { maxMemoryMiB: this.options.maxMemoryMiB } : {}),
      ...(this.options.activateByImports ? { activateByImports: true } : {}),
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
      ...options,
    };
    const session = await startActor(full);
    const supervisorConfig = supervisorSettings(session);
    const node: ActorNode = {
      session,
      parent,
      children: new Set(),
      initialState: full.initialState !== undefined ? full.initialState : supervisorConfig.initialState,
      waitingOn: undefined,
      waitingFor: undefined,
      outstanding: new Map(),
      pendingEffect: undefined,
      restarts: [],
      maxRestarts: supervisorConfig.maxRestarts,
      restartWindowMs: supervisorConfig.restartWindowS * 1000,
      stoppingByParent: false,
    };
    session.pauseOnFailure = true;
    this.actors.set(session.id, node);
    parent?.children.add(node);
    session.on('rpc', (op: string, args: unknown[], after: string | null, seq: number) => {
      // The worker posts a `commit` after the call's event only when an effect waits for it.
      this.handleRpc(node, op, args, after, seq).then(
        (value) => session.answerRpc(value, seq, node.pendingEffect !== undefined),
        (e: unknown) =>
          session.answerRpc(err(`the runtime could not answer ${op}: ${(e as Error).message}`), seq, node.pendingEffect !== undefined),
      );
    });
    session.on('commit', (hash: string) => {
      const effect = node.pendingEffect;
      node.pendingEffect = undefined;
      effect?.({ actor: session.id, event: hash });
    });
    session.on('paused', (error: string, fn: string) => this.onFailure(node, fn, error));
    session.on('exit-requested', (data: Uint8Array | undefined) => {
      void this.stopNode(node, 'the actor shut itself down').then(() => {
        if (node.parent) void this.notifyParent(node.parent, 'handle-child-exit', [session.id, data]);
      });
    });
    session.once('exit', () => this.forget(node));
    session.on('status', (st: string) => this.emit('status', session, st));
    this.emit('actor', session, parent?.session);
    return node;
  }

  /** A failed call paused `node`: its parent hears of it first (handle-child-error), queued like any call. */
  private onFailure(node: ActorNode, fn: string, error: string): void {
    this.failOutstanding(node, `${describe(node)} failed before answering: ${error}`);
    const parent = node.parent;
    if (parent && parent.session.exports.includes(SUPERVISOR_HANDLERS)) {
      const witError = { errorType: 'internal', data: new TextEncoder().encode(error) };
      // Its cause: the child's event that ended the failed call (a WasmError), on disk by now.
      node.session.readLog();
      const last = node.session.recentEvents.at(-1);
      const cause: EventCause | undefined = last ? { actor: node.session.id, event: toHex(last.hash) } : undefined;
      void this.notifyParent(parent, 'handle-child-error', [node.session.id, witError], cause).then((o) => {
        if (!o.ok) this.unhandled.push({ actor: node.session, fn, error });
        this.emit('failure', node.session, fn, error, o.ok);
      });
      return;
    }
    this.unhandled.push({ actor: node.session, fn, error });
    this.emit('failure', node.session, fn, error, false);
  }

  private notifyParent(parent: ActorNode, fn: string, args: unknown[], cause?: EventCause): Promise<CallOutcome> {
    if (!parent.session.exports.includes(SUPERVISOR_HANDLERS)) return Promise.resolve({ ok: true, state: parent.session.state });
    return parent.session.call(`${SUPERVISOR_HANDLERS}.${fn}`, args, cause);
  }

  private failOutstanding(node: ActorNode, why: string): void {
    for (const d of node.outstanding.values()) d.answer(err(why));
    node.outstanding.clear();
  }

  private forget(node: ActorNode): void {
    this.failOutstanding(node, `${describe(node)} stopped before answering`);
    for (const ch of this.channels.values()) if (ch.a === node || ch.b === node) ch.open = false;
    node.parent?.children.delete(node);
    this.actors.delete(node.session.id);
  }

  /** A paused actor goes on (fresh instance, last good state); err when it is not paused. */
  async resume(id: string): Promise<Result<undefined>> {
    const node = this.actors.get(id);
    if (!node) return err(`no actor with id ${id} is running in this runtime`);
    const o = await node.session.resume();
    return o.ok ? ok(undefined) : err(o.error);
  }

  /**
   * Restarts a child as its parent's `restart-child` does: the same id and chain, a fresh instance and
   * init with its initial state (queued behind a running call). Asked by the user, it does not count
   * towards the parent's restart limit. err for an actor that is not a running child.
   */
  async restartChild(id: string): Promise<Result<undefined>> {
    const c = this.actors.get(id);
    if (!c) return err(`no actor with id ${id} is running in this runtime`);
    if (!c.parent) return err(`${describe(c)} has no parent in this runtime, so it has no supervisor to restart it`);
    const o = await c.session.restart(c.initialState);
    return o.ok ? ok(undefined) : err(`${describe(c)} could not be restarted: ${o.error}`);
  }

  /** Stops an actor and its children, children first. */
  async stop(id: string, reason = 'stopped by the user'): Promise<void> {
    const node = this.actors.get(id);
    if (!node) return;
    await this.stopNode(node, reason);
    if (node.parent && !node.stoppingByParent) await this.notifyParent(node.parent, 'handle-child-external-stop', [id]);
  }

  /** Stops every actor, each tree children first. */
  async stopAll(reason = 'run finished'): Promise<void> {
    for (const node of [...this.actors.values()].filter((n) => !n.parent)) await this.stopNode(node, reason);
  }

  private async stopNode(node: ActorNode, reason: string): Promise<void> {
    for (const child of [...node.children]) {
      child.stoppingByParent = true;
      await this.stopNode(child, reason);
    }
    await node.session.stop(reason);
    this.forget(node);
  }

  // ---- deliveries ------------------------------------------------------------------------------

  /** The target for a delivery, or the sentence why there is none. */
  private target(id: string, iface: string): ActorNode | string {
    const node = this.actors.get(id);
    if (!node) return `no actor with id ${id} is running in this runtime`;
    if (node.session.status === 'paused')
      return `${describe(node)} is paused after a failed call; it takes no messages until it is resumed or restarted`;
    if (node.session.status === 'stopped' || node.session.status === 'failed') return `${describe(node)} has stopped`;
    if (node.session.exitRequested) return `${describe(node)} is shutting down`;
    // Until the worker is ready its exports are unknown; the queue refuses a missing export then.
    if (node.session.exports.length > 0 && !node.session.exports.includes(iface))
      return `${describe(node)} does not export ${iface}, so it cannot take messages`;
    return node;
  }

  /**
   * A request from `from` (undefined: the CLI or the editor) to `to`; resolves with the answer. `reply`:
   * where `from`'s worker waits, so `to`'s worker answers it there itself (rpcReply.ts); this
   * promise still resolves with the answer once the session hears of it.
   */
  request(from: ActorNode | undefined, toId: string, msg: Uint8Array, cause?: EventCause, reply?: ReplyTo): Promise<Result<Uint8Array>> {
    const to = this.target(toId, MESSAGE_CLIENT);
    if (typeof to === 'string') return Promise.resolve(err(to));
    if (from && this.wouldCycle(from, to))
      return Promise.resolve(
        err(
          `request cycle: ${describe(to)} is waiting (directly or through others) for ${describe(from)}, so this request would never be answered`,
        ),
      );
    const requestId = this.newId('request');
    return new Promise((resolve) => {
      let answered = false;
      const wait = from ? this.waitOn(from, to) : undefined;
      const answer = (r: Result<Uint8Array>) => {
        if (answered) return;
        answered = true;
        to.outstanding.delete(requestId);
        if (from) this.endWait(from, wait!);
        resolve(r);
      };
      to.outstanding.set(requestId, { requestId, requester: from, answer });
      void to.session.call(`${MESSAGE_CLIENT}.handle-request`, [requestId, msg], cause, reply).then((o) => {
        if (!o.ok) return answer(err(o.refused ? o.error : `${describe(to)} failed handling the request: ${o.error}`));
        const response = (o.result?.[0] ?? undefined) as Uint8Array | undefined;
        if (response) answer(ok(new Uint8Array(response)));
        // No response: it comes later through respond-to-request (or cancel-request).
      });
    });
  }

  /** Resolves once no actor has a call running or queued (and no request waits for a deferred answer). */
  whenQuiet(): Promise<void> {
    const quiet = () => this.list().every((n) => !n.session.busy);
    return new Promise((resolve) => {
      if (quiet()) return resolve();
      const check = () => {
        // Status events fire before the queue moves on; look again once the current turn is over.
        setImmediate(() => {
          if (!quiet()) return;
          this.off('status', check);
          resolve();
        });
      };
      this.on('status', check);
    });
  }

  /** A one-way message; `cause` names the send event (already on disk). */
  send(toId: string, msg: Uint8Array, cause?: EventCause): Result<undefined> {
    const to = this.target(toId, MESSAGE_CLIENT);
    if (typeof to === 'string') return err(to);
    void to.session.call(`${MESSAGE_CLIENT}.handle-send`, [msg], cause);
    return ok(undefined);
  }

  /** A one-way message from outside (CLI, editor); resolves when handle-send has returned. */
  async sendAndWait(toId: string, msg: Uint8Array): Promise<Result<undefined>> {
    const to = this.target(toId, MESSAGE_CLIENT);
    if (typeof to === 'string') return err(to);
    const o = await to.session.call(`${MESSAGE_CLIENT}.handle-send`, [msg]);
    return o.ok ? ok(undefined) : err(o.refused ? o.error : `${describe(to)} failed handling the message: ${o.error}`);
  }

  /** `from` waits on `to` from now on; returns the mark endWait takes. */
  private waitOn(from: ActorNode, to: ActorNode): object {
    const mark = {};
    from.waitingOn = to;
    from.waitingFor = mark;
    return mark;
  }

  /** The wait `mark` is over (nothing changes when `from` waits for something else by now). */
  private endWait(from: ActorNode, mark: object): void {
    if (from.waitingFor !== mark) return;
    from.waitingOn = undefined;
    from.waitingFor = undefined;
  }

  /** `from` waits on `to`: would `to`, following whom it waits on, come back to `from`? */
  private wouldCycle(from: ActorNode, to: ActorNode): boolean {
    const seen = new Set<ActorNode>();
    for (let n: ActorNode | undefined = to; n && !seen.has(n); n = n.waitingOn) {
      if (n === from) return true;
      seen.add(n);
    }
    return false;
  }

  // ---- host calls from actors ------------------------------------------------------------------

  private async handleRpc(node: ActorNode, op: string, args: unknown[], after: string | null, seq: number): Promise<unknown> {
    const slash = op.lastIndexOf('/');
    const iface = op.slice(0, slash);
    const fn = op.slice(slash + 1);
    const causeAfter: EventCause = { actor: node.session.id, ...(after ? { after } : {}) };
    if (iface === MESSAGE_HOST) return this.messageCall(node, fn, args, causeAfter, seq);
    if (iface === SUPERVISOR) return this.supervisorCall(node, fn, args, causeAfter);
    return err(`${op} is not routed by this runtime`);
  }

  private async messageCall(node: ActorNode, fn: string, args: unknown[], causeAfter: EventCause, seq: number): Promise<unknown> {
    switch (fn) {
      case 'send': {
        const [id, msg] = args as [string, Uint8Array];
        const to = this.target(id, MESSAGE_CLIENT);
        if (typeof to === 'string') return err(to);
        // Delivered once the send event is on disk, in the order sent (the target's queue is FIFO).
        node.pendingEffect = (cause) => void this.send(id, msg, cause);
        return ok(undefined);
      }
      case 'request': {
        const [id, msg] = args as [string, Uint8Array];
        return this.request(node, id, msg, causeAfter, node.session.replyTo(seq));
      }
      case 'open-channel': {
        const [id, initial] = args as [string, Uint8Array];
        const to = this.target(id, MESSAGE_CLIENT);
        if (typeof to === 'string') return err(to);
        if (this.wouldCycle(node, to))
          return err(`request cycle: ${describe(to)} is waiting for ${describe(node)}, so it cannot accept a channel now`);
        const channelId = this.newId('channel');
        const wait = this.waitOn(node, to);
        const o = await to.session.call(`${MESSAGE_CLIENT}.handle-channel-open`, [channelId, initial], causeAfter);
        this.endWait(node, wait);
        if (!o.ok) return err(o.refused ? o.error : `${describe(to)} failed opening the channel: ${o.error}`);
        const accept = o.result?.[0] as { accepted?: boolean; message?: Uint8Array } | undefined;
        // A rejected open gives the opener err (with the receiver's reason when it gave one); no channel exists.
        if (!accept?.accepted)
          return err(
            `${describe(to)} did not accept the channel${accept?.message?.length ? `: ${responseText(new Uint8Array(accept.message), 200)}` : ''}`,
          );
        this.channels.set(channelId, { id: channelId, a: node, b: to, open: true });
        return ok(channelId);
      }
      case 'send-on-channel':
      case 'close-channel': {
        const [channelId, msg] = args as [string, Uint8Array | undefined];
        const ch = this.channels.get(channelId);
        if (!ch || (ch.a !== node && ch.b !== node)) return err(`no channel ${channelId} is open for ${describe(node)}`);
        if (!ch.open) return err(`channel ${channelId} is closed`);
        const other = ch.a === node ? ch.b : ch.a;
        if (fn === 'close-channel') {
          ch.open = false;
          node.pendingEffect = (cause) => void other.session.call(`${MESSAGE_CLIENT}.handle-channel-close`, [channelId], cause);
          return ok(undefined);
        }
        const to = this.target(other.session.id, MESSAGE_CLIENT);
        if (typeof to === 'string') return err(to);
        node.pendingEffect = (cause) => void other.session.call(`${MESSAGE_CLIENT}.handle-channel-message`, [channelId, msg], cause);
        return ok(undefined);
      }
      case 'list-outstanding-requests':
        return [...node.outstanding.keys()];
      case 'respond-to-request':
      case 'cancel-request': {
        const [requestId, response] = args as [string, Uint8Array | undefined];
        const d = node.outstanding.get(requestId);
        if (!d) return err(`${describe(node)} has no outstanding request ${requestId}`);
        node.outstanding.delete(requestId);
        node.pendingEffect = () =>
          d.answer(
            fn === 'respond-to-request' ? ok(new Uint8Array(response!)) : err(`request ${requestId} was cancelled by ${describe(node)}`),
          );
        return ok(undefined);
      }
    }
    return err(`${MESSAGE_HOST}/${fn} is not a message-server function`);
  }

  private async supervisorCall(node: ActorNode, fn: string, args: unknown[], causeAfter: EventCause): Promise<unknown> {
    const child = (id: string): ActorNode | string => {
      const c = this.actors.get(id);
      return c && c.parent === node ? c : `${describe(node)} has no child with id ${id}`;
    };
    switch (fn) {
      case 'spawn':
      case 'resume': {
        const [manifest, bytes] = args as [string, Uint8Array | undefined];
        // Relative to the spawning actor's manifest folder (never the process's working directory).
        const manifestPath = path.resolve(path.dirname(node.session.manifestPath), manifest);
        let c: ActorNode;
        try {
          c = await this.spawnNode(
            {
              manifestPath,
              ...(bytes ? { initialState: new Uint8Array(bytes) } : {}),
              ...(fn === 'resume' ? { skipInit: true } : { initCause: causeAfter }),
            },
            node,
          );
        } catch (e) {
          return err(`the child ${manifest} could not start: ${(e as Error).message}`);
        }
        // init runs before spawn returns; the child's init may not wait on its parent (a cycle).
        const wait = this.waitOn(node, c);
        await new Promise<void>((resolve) => {
          c.session.once('init-done', () => resolve());
          c.session.once('paused', () => resolve());
          void c.session.done().then(() => resolve());
        });
        this.endWait(node, wait);
        this.emit('spawned', c.session, node.session, causeAfter);
        return ok(c.session.id);
      }
      case 'list-children':
        return [...node.children].map((c) => c.session.id);
      case 'stop-child': {
        const c = child(args[0] as string);
        if (typeof c === 'string') return err(c);
        c.stoppingByParent = true;
        await this.stopNode(c, `stopped by its parent ${node.session.name}`);
        return ok(undefined);
      }
      case 'restart-child': {
        const c = child(args[0] as string);
        if (typeof c === 'string') return err(c);
        const now = Date.now();
        c.restarts = c.restarts.filter((t) => now - t < c.restartWindowMs);
        if (c.restarts.length >= node.maxRestarts)
          return err(
            `restart limit reached: ${describe(c)} was restarted ${c.restarts.length} times within ${node.restartWindowMs / 1000} s (max_restarts = ${node.maxRestarts}); it stays failed`,
          );
        c.restarts.push(now);
        const wait = this.waitOn(node, c);
        const o = await c.session.restart(c.initialState, causeAfter);
        this.endWait(node, wait);
        return o.ok ? ok(undefined) : err(`${describe(c)} could not be restarted: ${o.error}`);
      }
      case 'get-child-state': {
        const c = child(args[0] as string);
        return typeof c === 'string' ? err(c) : ok(c.session.state ?? undefined);
      }
      case 'get-child-events': {
        const c = child(args[0] as string);
        if (typeof c === 'string') return err(c);
        c.session.readLog();
        // The answer is the whole chain (upstream's API); it is read from the child's log, not kept.
        const events: unknown[] = [];
        c.session.forEachEvent((ev) =>
          events.push({
            hash: ev.hash,
            parentHash: ev.parentHash ?? undefined,
            eventType: ev.eventType,
            data: ev.data,
            // Theater's legacy events carry their time; ours have it in our log, outside the hashed data.
            timestamp: ev.legacy ? BigInt(ev.legacy.timestamp) : BigInt(ev.at ?? 0),
            description: ev.legacy?.description ?? undefined,
          }),
        );
        return ok(events);
      }
    }
    return err(`${SUPERVISOR}/${fn} is not a supervisor function`);
  }
}

/** The restart limit (supervisor config) and init state of an actor's manifest. */
function supervisorSettings(session: ActorSession): { maxRestarts: number; restartWindowS: number; initialState: Uint8Array | null } {
  const cfg = session.handlerConfigs.supervisor ?? {};
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : d);
  return {
    maxRestarts: num(cfg.max_restarts, DEFAULT_MAX_RESTARTS),
    restartWindowS: num(cfg.restart_window_s, DEFAULT_RESTART_WINDOW_S),
    initialState: session.manifestInitialState,
  };
}

/** A cause's event hash as bytes (for "Go to cause"). */
export const causeHash = (c: EventCause): Uint8Array | undefined => (c.event ? fromHex(c.event) : undefined);
