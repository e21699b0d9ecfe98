import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WriterPost, type WriterNews } from '../../src/cluster/writer-post.js';
import type { StoredMessage } from '../../src/store/store.js';

const message = (offset: number): StoredMessage => ({
  roomId: 1,
  offset,
  author: 'alice',
  text: `m${offset}`,
  createdAt: 0,
  kind: 'message',
  target: null,
  authorId: null,
  clientId: null,
});
const replies = (batch: number): WriterNews => ({ replies: { batch, replies: [{ ok: true }] } });

test('the news of one commit reaches each worker as one message, in the order it was posted', async () => {
  const sent: { worker: string; items: readonly WriterNews[] }[] = [];
  const post = new WriterPost<string>((worker, items) => sent.push({ worker, items }));
  // As the primary does when a commit holds a batch of each worker: both resolve in the
  // microtasks that follow the read of the commit's result.
  const commit = Promise.resolve();
  await Promise.all([
    commit.then(() => {
      post.post('w1', replies(1));
      post.post('w2', { appended: [message(1)] });
    }),
    commit.then(() => {
      post.post('w2', replies(7));
      post.post('w1', { appended: [message(2)] });
    }),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent, [
    { worker: 'w1', items: [replies(1), { appended: [message(2)] }] },
    { worker: 'w2', items: [{ appended: [message(1)] }, replies(7)] },
  ]);
});

test('news of different turns leaves separately, and nothing is held back', async () => {
  const sent: { worker: string; items: readonly WriterNews[] }[] = [];
  const post = new WriterPost<string>((worker, items) => sent.push({ worker, items }));
  post.post('w1', replies(1));
  await new Promise((resolve) => setImmediate(resolve));
  post.post('w1', replies(2));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent, [
    { worker: 'w1', items: [replies(1)] },
    { worker: 'w1', items: [replies(2)] },
  ]);
});
