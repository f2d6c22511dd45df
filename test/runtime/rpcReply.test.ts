// The answer to an actor's rpc (rpcReply.ts): the session or, for a request, the asked actor's worker
// answers; whoever claims the rpc first wins, and an answer meant for an earlier rpc is never taken
// for a later one. And through a real system: a request between two actors is answered by the asked
// actor's worker, and the asking worker posts no `commit` for it (a send still does).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { answerWithBytes, createRpcReplyBuffer, DIRECT_REPLY_MAX_BYTES, RpcAnswer, RpcWait } from '../../src/runtime/host/rpcReply';
import type { ActorSession } from '../../src/runtime/host/session';
import { ActorSystem } from '../../src/runtime/host/system';
import { actorsCopy, dataDir } from '../helpers/actors';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: unknown) => Buffer.from(b as Uint8Array).toString('utf8');

describe('rpc answers', () => {
  test('the first answer wins: bytes from the asked worker, then the session’s answer is dropped', () => {
    const wait = new RpcWait(createRpcReplyBuffer());
    const session = new RpcAnswer(wait.buffer);
    const seq = wait.open();
    assert.equal(answerWithBytes({ cells: wait.buffer, seq }, bytes('42')), true);
    let posted = 0;
    assert.equal(
      session.answer(seq, () => posted++),
      false,
    );
    assert.equal(posted, 0, 'nothing is put on the port');
    assert.equal(text(wait.wait(seq)), '42');
  });

  test('the session first: the worker’s bytes are dropped and the answer is on the port', () => {
    const wait = new RpcWait(createRpcReplyBuffer());
    const session = new RpcAnswer(wait.buffer);
    const seq = wait.open();
    let posted = 0;
    assert.equal(
      session.answer(seq, () => posted++),
      true,
    );
    assert.equal(answerWithBytes({ cells: wait.buffer, seq }, bytes('late')), false);
    assert.equal(posted, 1);
    assert.equal(wait.wait(seq), undefined, 'the answer is on the port');
  });

  test('an answer to an earlier rpc does not answer the next one; a response too large is left to the session', () => {
    const wait = new RpcWait(createRpcReplyBuffer());
    const session = new RpcAnswer(wait.buffer);
    const first = wait.open();
    assert.equal(answerWithBytes({ cells: wait.buffer, seq: first }, bytes('one')), true);
    assert.equal(text(wait.wait(first)), 'one');
    const second = wait.open();
    assert.notEqual(second, first);
    assert.equal(
      session.answer(first, () => assert.fail('an answer to the first rpc must not be posted')),
      false,
    );
    assert.equal(answerWithBytes({ cells: wait.buffer, seq: first }, bytes('stale')), false);
    assert.equal(answerWithBytes({ cells: wait.buffer, seq: second }, new Uint8Array(DIRECT_REPLY_MAX_BYTES + 1)), false);
    let posted = 0;
    assert.equal(
      session.answer(second, () => posted++),
      true,
    );
    assert.equal(posted, 1);
    assert.equal(wait.wait(second), undefined);
  });

  test('a worker blocked on its rpc wakes when another thread writes the bytes', async () => {
    const buffer = createRpcReplyBuffer();
    const wait = new RpcWait(buffer);
    const seq = wait.open();
    const module = path.join(__dirname, '..', '..', 'src', 'runtime', 'host', 'rpcReply.js');
    const w = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const { RpcWait } = require(workerData.module);
       const wait = new RpcWait(workerData.buffer);
       parentPort.postMessage('waiting');
       const got = wait.wait(workerData.seq);
       parentPort.postMessage(Buffer.from(got).toString('utf8'));`,
      { eval: true, workerData: { buffer, seq, module } },
    );
    const messages: string[] = [];
    const answer = new Promise<string>((resolve, reject) => {
      w.on('message', (m: string) => {
        messages.push(m);
        if (m === 'waiting') answerWithBytes({ cells: buffer, seq }, bytes('woken'));
        else resolve(m);
      });
      w.on('error', reject);
    });
    assert.equal(await answer, 'woken');
    assert.deepEqual(messages, ['waiting', 'woken']);
    await w.terminate();
  });
});

describe('a request between two actors', () => {
  function initDone(session: ActorSession): Promise<void> {
    return new Promise((resolve, reject) => {
      if (session.status === 'idle') return resolve();
      session.once('init-done', () => resolve());
      void session.done().then((o) => reject(new Error(`ended before init: ${o.error}`)));
    });
  }

  test('is answered by the asked worker: right answers in order, no commit for a request, one for a send', async () => {
    const manifests = await actorsCopy(['parent-actor', 'counter-actor']);
    const system = new ActorSystem({ dataDir });
    const root = await system.start({ manifestPath: manifests['parent-actor']! });
    await initDone(root);
    let commits = 0;
    root.on('commit', () => commits++);
    for (let i = 0; i < 20; i++) {
      const r = await system.request(undefined, root.id, bytes('get'));
      assert.equal(text(r.val), String(i), `request ${i} sees the sends before it`);
      await system.sendAndWait(root.id, bytes('a'));
    }
    await system.whenQuiet();
    assert.equal(commits, 20, 'one commit per forwarded send, none for the 20 requests');
    // A request that fails in the child still reaches the parent as err (through the session).
    const failed = await system.request(undefined, root.id, bytes('trap'));
    assert.match(text(failed.val), /^err: /);
    await system.whenQuiet();
    await system.stopAll();
  });
});
