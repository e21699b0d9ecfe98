import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inbound, inboundPath } from '../../src/delivery/inbound.js';
import type { MessageEnvelope } from '../../src/shared/message.js';
import type { Store, StoredMessage } from '../../src/store/store.js';
import type { ParleyServer } from '../../src/types.js';

const message = (offset: number): StoredMessage => ({
  roomId: 1,
  offset,
  kind: 'message',
  target: null,
  author: 'ann',
  authorId: 'g:ann',
  text: `m${offset}`,
  clientId: null,
  createdAt: 0,
});

/** The parts of a Socket.IO server and of a store that Inbound uses, recording what it does. */
function world(options: { writer: boolean }) {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  const emitted: unknown[][] = [];
  const io = {
    on: (event: string, listener: (...args: unknown[]) => void) => listeners.set(event, listener),
    serverSideEmit: (...args: unknown[]) => emitted.push(args),
  } as unknown as ParleyServer;
  let fromWriter: ((messages: readonly StoredMessage[]) => void) | undefined;
  const store = (options.writer ? { watchAppends: (listener: typeof fromWriter) => ((fromWriter = listener), () => (fromWriter = undefined)) } : {}) as unknown as Store;
  const offered: MessageEnvelope[] = [];
  return {
    io,
    store,
    offered,
    emitted,
    adapter: (envelope: MessageEnvelope, node: string) => listeners.get('message:stored')?.(envelope, node),
    hearsAdapter: () => listeners.has('message:stored'),
    writer: (messages: StoredMessage[]) => fromWriter?.(messages),
    offer: (envelope: MessageEnvelope) => offered.push(envelope),
  };
}

test('one inbound path per deployment shape', () => {
  assert.equal(inboundPath({ clustered: false }, false), 'none');
  assert.equal(inboundPath({ clustered: true }, true), 'writer');
  assert.equal(inboundPath({ clustered: true, acrossNodes: { node: 'n1' } }, true), 'writer+nodes');
  assert.equal(inboundPath({ clustered: true, acrossNodes: { node: 'n1' } }, false), 'adapter');
  assert.equal(inboundPath({ clustered: true }, false), 'adapter');
});

test('several nodes over Redis: a worker hears its node from the writer and the other nodes through the adapter, each message once', () => {
  const w = world({ writer: true });
  const inbound = new Inbound(w.io, w.store, { clustered: true, acrossNodes: { node: 'n1' } }, w.offer);
  assert.equal(inbound.path, 'writer+nodes');
  // A worker of this node stored 1: the writer tells this worker, and Redis brings its copy too.
  w.writer([message(1)]);
  w.adapter(message(1), 'n1');
  // Another node stored 2: only Redis brings it.
  w.adapter(message(2), 'n2');
  assert.deepEqual(
    w.offered.map((each) => each.offset),
    [1, 2],
  );
  inbound.announce(message(3));
  assert.deepEqual(w.emitted, [['message:stored', message(3), 'n1']], 'announced to the other nodes, naming this one');
  inbound.close();
  w.writer([message(4)]);
  assert.equal(w.offered.length, 2, 'nothing heard from the writer once closed');
});

test('one node of several workers: only the writer tells, nothing crosses the adapter', () => {
  const w = world({ writer: true });
  const inbound = new Inbound(w.io, w.store, { clustered: true }, w.offer);
  assert.equal(inbound.path, 'writer');
  assert.equal(w.hearsAdapter(), false, 'no message:stored listener');
  w.writer([message(1), message(2)]);
  inbound.announce(message(3));
  assert.deepEqual(
    w.offered.map((each) => each.offset),
    [1, 2],
  );
  assert.deepEqual(w.emitted, []);
});

test('a server that no writer tells hears every node through the adapter; a lone process hears nobody', () => {
  const clustered = world({ writer: false });
  const inbound = new Inbound(clustered.io, clustered.store, { clustered: true, acrossNodes: { node: 'n1' } }, clustered.offer);
  assert.equal(inbound.path, 'adapter');
  clustered.adapter(message(1), 'n1');
  clustered.adapter(message(2), 'n2');
  assert.equal(clustered.offered.length, 2);
  inbound.announce(message(3));
  assert.equal(clustered.emitted.length, 1);

  const alone = world({ writer: true });
  const lone = new Inbound(alone.io, alone.store, { clustered: false }, alone.offer);
  assert.equal(lone.path, 'none');
  alone.writer([message(1)]);
  lone.announce(message(2));
  assert.deepEqual([alone.offered, alone.emitted, alone.hearsAdapter()], [[], [], false]);
});
