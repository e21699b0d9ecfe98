/**
 * The body of a node's writer thread (started by ./store-writer.ts in the cluster primary):
 * it runs the write calls of every worker on one store. SQLite: the only connection that
 * writes the file, and waiting for fsync blocks only this thread. PostgreSQL: the node's
 * appends, so that a room's messages from every worker share one batch and reach the
 * workers in commit order. Appends that arrive together share one group commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../index.js';
import { runWriteCall, type WriteBatch, type WriteBatchReplies, type WriteCall, type WriteReply } from './write-calls.js';

/** What the primary sends this thread. */
export type ToWriterThread = { readonly kind: 'batch'; readonly batch: WriteBatch } | { readonly kind: 'close' };

/** What this thread sends the primary. */
export type FromWriterThread =
  /** `notes`: what the migrations it applied tell the operator, for the primary's log. */
  | { readonly kind: 'ready'; readonly notes: readonly string[] }
  /** `commits`: the group commits made since the last replies, [appends, seconds] each (metrics). */
  | { readonly kind: 'replies'; readonly replies: WriteBatchReplies; readonly commits: readonly (readonly [number, number])[] }
  | { readonly kind: 'closed' };

export interface WriterThreadData {
  /** `PARLEY_DATABASE_URL`. */
  readonly databaseUrl: string;
}

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread');
const { databaseUrl } = workerData as WriterThreadData;
// Opening the store applies the migrations the database lacks, before any worker opens it.
const notes: string[] = [];
let commits: [number, number][] = [];
const store = await openStore(databaseUrl, (note) => notes.push(note), (items, seconds) => void commits.push([items, seconds]));

const post = (message: FromWriterThread): void => port.postMessage(message);

const run = (call: WriteCall): Promise<WriteReply> => runWriteCall(store, call);

port.on('message', (message: ToWriterThread) => {
  if (message.kind === 'close') {
    void store.close().then(() => post({ kind: 'closed' }));
    return;
  }
  const { batch, calls } = message.batch;
  // Started in arrival order within this turn, so the appends among them share a commit.
  void Promise.all(calls.map(run)).then((replies) => {
    const made = commits;
    commits = [];
    post({ kind: 'replies', replies: { batch, replies }, commits: made });
  });
});
post({ kind: 'ready', notes });
