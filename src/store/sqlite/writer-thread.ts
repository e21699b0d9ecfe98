/**
 * The body of the SQLite writer thread (started by ./sqlite-writer.ts in the cluster
 * primary): the only connection that writes the database file. It runs the write calls
 * of every worker; appends that arrive together share one group commit, and waiting for
 * fsync blocks only this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runWriteCall, type WriteBatch, type WriteBatchReplies, type WriteCall, type WriteReply } from '../writer/write-calls.js';
import { SqliteStore } from './sqlite-store.js';

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
  readonly file: string;
}

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread');
const { file } = workerData as WriterThreadData;
// Opening the store applies the migrations this file lacks, before any worker opens it.
const notes: string[] = [];
let commits: [number, number][] = [];
const store = new SqliteStore(file, { report: (note) => notes.push(note), observeCommit: (items, seconds) => void commits.push([items, seconds]) });

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
