/**
 * The calls a cluster worker sends to its node's one writer (../sqlite/sqlite-writer.ts, ../postgres/node-writer.ts), and the
 * replies it gets. Only Store methods that write cross over (SQLite: all of them;
 * PostgreSQL: appends), a part's named `<part>.<method>`; reads stay on the worker's own
 * connection.
 *
 * Everything here crosses node:cluster IPC (JSON) and worker_threads (structured clone),
 * so it is plain data: errors travel as their name and message and are rebuilt on arrival.
 */
import { NameTakenError } from '../accounts.js';
import { CommandExistsError } from '../commands.js';
import { StoreUnavailableError, UnknownRoomError, UnstorableDraftError, type AppendResult, type Store, type StoredMessage, type StoreParts, type StorePart } from '../store.js';

/** The Store's own methods that write. */
const STORE_WRITES = ['appendMessage', 'checkWritable'] as const satisfies readonly (keyof Store)[];

/** Each part's methods that write. Every other method is a read. */
const PART_WRITES = {
  accounts: [
    'createAccount',
    'createSession',
    'redeemExchange',
    'deleteSession',
    'updatePasswordHash',
    'replacePassword',
    'createPasswordReset',
    'redeemPasswordReset',
    'sessionSecret',
    'claimGuestName',
    'renewGuestNames',
    'releaseGuestName',
  ],
  rooms: ['createRoom', 'openDirectRoom', 'addMember', 'removeMember', 'markRead', 'setReceipts'],
  moderation: ['setRole', 'restrict', 'lift', 'recordAudit'],
  mentions: ['recordMentions', 'renameMember'],
  integrations: ['createBot', 'revokeBot', 'createWebhook', 'revokeWebhook'],
  threads: ['recordReply', 'markThreadRead'],
  outbox: ['createOutgoing', 'revokeOutgoing', 'enqueue', 'claim', 'delivered', 'failed', 'retryParked', 'discardParked'],
  retention: ['setRoomRetention'],
  // takeFlow deletes the row it answers: a write.
  sso: ['createBoundAccount', 'saveFlow', 'takeFlow'],
  commands: ['createCommand', 'deleteCommand', 'setTopic'],
  files: ['addFile', 'claim', 'detach', 'removeFile'],
} as const satisfies { readonly [P in StorePart]?: readonly (keyof StoreParts[P])[] };

/** A part with methods that write. */
export type WritingPart = keyof typeof PART_WRITES;

/** A method that writes: one of the Store's own, or `<part>.<method>`. */
export type WriteMethod =
  | (typeof STORE_WRITES)[number]
  | { [P in WritingPart]: `${P}.${(typeof PART_WRITES)[P][number]}` }[WritingPart];

/** The signature of a write method. */
export type WriteSignature<M extends WriteMethod> = M extends `${infer P extends WritingPart}.${infer N}`
  ? N extends keyof StoreParts[P]
    ? StoreParts[P][N]
    : never
  : M extends keyof Store
    ? Store[M]
    : never;

/** Every write method. */
export const WRITE_METHODS: readonly WriteMethod[] = [
  ...STORE_WRITES,
  ...(Object.keys(PART_WRITES) as WritingPart[]).flatMap((part) => PART_WRITES[part].map((method) => `${part}.${method}` as WriteMethod)),
];

/** Sends one write call to the writer; resolves with its reply's value. */
export type SendWrite = <M extends WriteMethod>(method: M, args: Parameters<WriteSignature<M>>) => ReturnType<WriteSignature<M>>;

/**
 * `reads` (a part on a connection that only reads) with its write methods sent to the
 * writer instead: its reads still run on `reads`, its writes cross over through `send`.
 */
export function writesThrough<P extends WritingPart>(part: P, reads: StoreParts[P], send: SendWrite): StoreParts[P] {
  const routed = Object.create(reads) as StoreParts[P];
  for (const method of PART_WRITES[part]) {
    const name = `${part}.${method}` as WriteMethod;
    Object.defineProperty(routed, method, { value: (...args: unknown[]) => send(name, args as never) });
  }
  return routed;
}

/** One write, as a worker asks for it. */
export interface WriteCall<M extends WriteMethod = WriteMethod> {
  readonly method: M;
  readonly args: Parameters<WriteSignature<M>>;
}

/** What became of one call: its value, or the error it rejected with. */
export type WriteReply = { readonly ok: true; readonly value?: unknown } | { readonly ok: false; readonly error: WireError };

/** Calls a worker sends together, answered together (one group commit covers them). */
export interface WriteBatch {
  readonly batch: number;
  readonly calls: readonly WriteCall[];
}

/** The replies to a `WriteBatch`, in the order of its calls. */
export interface WriteBatchReplies {
  readonly batch: number;
  readonly replies: readonly WriteReply[];
}

interface WireError {
  readonly name: string;
  readonly message: string;
}

/**
 * The messages a batch stored for the first time, in call order: what the other workers
 * are told of (Store.watchAppends). A retry found stored already is left out; its sender
 * hints the room's head to the other servers instead (Delivery.announceHead), in case the
 * first attempt's reply, and so its relay, was lost.
 */
export function newlyStored(batch: WriteBatch, replies: WriteBatchReplies): StoredMessage[] {
  const stored: StoredMessage[] = [];
  batch.calls.forEach((call, index) => {
    const reply = replies.replies[index];
    if (call.method !== 'appendMessage' || !reply?.ok) return;
    // The writer ran Store.appendMessage for this call, so its value is an AppendResult.
    const { message, duplicate } = reply.value as AppendResult;
    if (!duplicate) stored.push(message);
  });
  return stored;
}

/** Every call of `workerBatch` answered StoreUnavailableError: the writer cannot take them (closing, restarting). */
export function unavailableReplies(workerBatch: WriteBatch, message: string): WriteBatchReplies {
  const error = { name: 'StoreUnavailableError', message };
  return { batch: workerBatch.batch, replies: workerBatch.calls.map(() => ({ ok: false, error })) };
}

/** Runs one call on the writer's store; its failure becomes the reply, never a throw. */
export async function runWriteCall(store: Store, call: WriteCall): Promise<WriteReply> {
  try {
    if (!isWriteMethod(call.method)) throw new Error(`not a write: ${String(call.method)}`);
    // The method and its argument list travel together; the table of WRITE_METHODS
    // guarantees the method is one of the Store's writes, on the store or on one part.
    const [part, name] = call.method.includes('.') ? (call.method.split('.') as [WritingPart, string]) : [undefined, call.method];
    const owner = (part === undefined ? store : store[part]) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const method = owner[name];
    if (!method) throw new Error(`not a write: ${call.method}`);
    return { ok: true, value: await method.apply(owner, call.args) };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}

export function isWriteMethod(method: unknown): method is WriteMethod {
  return (WRITE_METHODS as readonly unknown[]).includes(method);
}

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error a reply carries, as the class callers test for with instanceof. */
export function fromWireError(error: WireError): Error {
  switch (error.name) {
    case 'StoreUnavailableError':
      return new StoreUnavailableError(error.message);
    case 'UnknownRoomError':
      return new UnknownRoomError(error.message);
    case 'NameTakenError':
      return new NameTakenError(error.message);
    case 'CommandExistsError':
      return new CommandExistsError(error.message);
    case 'UnstorableDraftError':
      return new UnstorableDraftError(error.message);
    default:
      return new Error(`store writer: ${error.message}`);
  }
}
