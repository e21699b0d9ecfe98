import { readableTimes } from '../shared/readable-times.js';
import type { PublicUser } from '../../src/shared/events.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';
import type { ConnectionStatus } from '../shared/connection-status.js';
import { RoomOutbox, type OutboxHooks, type RoomRequest } from './room-outbox.js';
import type { RoomState } from './room-state.js';
import { request, type ChatSocket } from '../shared/rpc.js';

/** What the writer needs of the rooms this tab follows. */
export interface WriterRooms {
  get(roomId: number): RoomState | undefined;
  /** Follows the room again from `after` (resolves when the server answered). */
  follow(room: RoomState, after: number): Promise<unknown>;
  /** A room's progress moved: the next handshake must say so. */
  progressed(): void;
  me(): PublicUser | undefined;
  /** Says a refusal that belongs to no message on screen. */
  alert(text: string): void;
}

/**
 * This tab's writes to rooms (messages, edits, deletions) from the moment they are made to
 * their acknowledgement: a new message shows at once, pending, and becomes delivered at the
 * offset the acknowledgement gives (the room protocol sends no echo to the sending tab);
 * edits and deletions apply when acknowledged; refusals say why.
 */
export class RoomWriter {
  /** This tab's messages not yet acknowledged, by clientId. */
  private readonly pendingItems = new Map<string, HTMLLIElement>();
  private readonly outbox: RoomOutbox;

  constructor(
    socket: ChatSocket,
    private readonly rooms: WriterRooms,
    status: ConnectionStatus,
  ) {
    this.outbox = new RoomOutbox({
      send: async (req) => {
        await rooms.get(req.roomId)?.joined;
        const answer = await sendRequest(socket, req);
        // After a reconnect the server re-follows the rooms of `auth.rooms` while requests
        // already arrive: follow again from where this tab stopped, then send once more.
        // (Looked up again: a room whose history was replaced has a new state by now.)
        const room = rooms.get(req.roomId);
        if (answer.ok || answer.error !== 'NOT_MEMBER' || !room?.progress) return answer;
        await rooms.follow(room, room.progress.contiguous);
        await rooms.get(req.roomId)?.joined;
        return sendRequest(socket, req);
      },
      connected: () => (socket.connected ? Promise.resolve() : new Promise((resolve) => socket.once('connect', () => resolve()))),
      waiting: (req, why) => {
        const item = this.pendingItems.get(req.clientId);
        if (item && item.dataset.state !== 'delivered') rooms.get(req.roomId)?.timeline.list.setState(item, 'pending', why);
      },
      stored: (req, offset) => this.stored(req, offset),
      refused: (req, reason, retry) => this.refused(req, reason, retry),
      waitingCount: (count) => status.setWaiting(count),
    });
  }

  /** Sends again what a previous load of this tab left unacknowledged. */
  restore(): void {
    for (const req of RoomOutbox.restore()) this.write(req);
  }

  /** A new message, with the files uploaded for it (shown at once, sent as their ids). */
  message(roomId: number, text: string, attachments: readonly FileInfo[] = []): void {
    this.write(RoomOutbox.create('message', roomId, text, undefined, undefined, false, attachments));
  }

  /**
   * A reply in the thread of message `root`: shown there once acknowledged (./thread-panel.ts);
   * `alsoToRoom`, in the room's log too (when the server's `share` event comes back).
   */
  reply(roomId: number, root: number, text: string, alsoToRoom = false): void {
    this.write(RoomOutbox.create('reply', roomId, text, root, this.epochOf(roomId), alsoToRoom));
  }

  edit(roomId: number, target: number, text: string): void {
    this.write(RoomOutbox.create('edit', roomId, text, target, this.epochOf(roomId)));
  }

  delete(roomId: number, target: number): void {
    this.write(RoomOutbox.create('delete', roomId, '', target, this.epochOf(roomId)));
  }

  /** Adds (`on`) or takes back this user's `emoji` reaction on message `target`. */
  react(roomId: number, target: number, emoji: string, on: boolean): void {
    this.write(RoomOutbox.create(on ? 'react' : 'unreact', roomId, emoji, target, this.epochOf(roomId)));
  }

  /**
   * A message a slash command sent (`command:run`), acknowledged at `offset`: like this tab's
   * own messages, the server sends no echo of it here, so it is shown from the answer; typed
   * in a thread (`root`), it is a reply there, shown in the thread as every reply is.
   */
  sentByCommand(roomId: number, offset: number, text: string, root?: number): void {
    const room = this.rooms.get(roomId);
    const me = this.rooms.me();
    if (!room || !me) return;
    if (room.progress?.take(offset)) this.rooms.progressed();
    room.timeline.apply({ roomId, offset, kind: 'message', author: me, text, createdAt: Date.now(), ...(root === undefined ? {} : { target: root }) });
  }

  /** Pins (`on`) or unpins message `target`: applied here once acknowledged, as reactions are. */
  pin(roomId: number, target: number, on: boolean): void {
    this.write(RoomOutbox.create(on ? 'pin' : 'unpin', roomId, '', target, this.epochOf(roomId)));
  }

  /** The history epoch the offsets this tab shows of a room belong to. */
  private epochOf(roomId: number): string | undefined {
    return this.rooms.get(roomId)?.epoch;
  }

  /**
   * The room's state was replaced (its history epoch changed, room-registry.ts): the messages
   * still waiting to be sent there move to its new log, where their acknowledgement places them.
   */
  moved(roomId: number): void {
    const timeline = this.rooms.get(roomId)?.timeline;
    if (!timeline) return;
    for (const req of this.outbox.pending()) {
      const item = this.pendingItems.get(req.clientId);
      if (req.roomId !== roomId || req.kind !== 'message' || !item) continue;
      item.remove();
      this.pendingItems.set(req.clientId, timeline.addPending(req.text, req.attachments));
    }
  }

  /** The pending item of this tab's message `clientId`, when its event comes back (a replay). */
  pendingItem(clientId: string | undefined): HTMLLIElement | undefined {
    return clientId === undefined ? undefined : this.pendingItems.get(clientId);
  }

  private write(req: RoomRequest): void {
    const timeline = this.rooms.get(req.roomId)?.timeline;
    if (req.kind === 'message' && timeline) this.pendingItems.set(req.clientId, timeline.addPending(req.text, req.attachments));
    this.outbox.add(req);
  }

  private stored(req: RoomRequest, offset: number): void {
    const room = this.rooms.get(req.roomId);
    const item = this.pendingItems.get(req.clientId);
    this.pendingItems.delete(req.clientId);
    if (!room) return;
    if (room.progress?.take(offset)) this.rooms.progressed();
    const me = this.rooms.me();
    if (req.kind === 'message' && item) room.timeline.confirm(item, offset, req.text, req.attachments);
    else if (req.kind === 'reply' && me && req.target !== undefined) {
      room.timeline.apply({ roomId: req.roomId, offset, kind: 'message', author: me, text: req.text, target: req.target, createdAt: Date.now(), clientId: req.clientId });
    } else if (req.kind !== 'message' && req.kind !== 'reply' && me && req.target !== undefined) {
      room.timeline.apply({ roomId: req.roomId, offset, kind: req.kind, author: me, text: req.text, target: req.target, createdAt: Date.now() });
    }
  }

  private refused(req: RoomRequest, refusal: string, retry: (() => void) | undefined): void {
    const reason = readableTimes(refusal);
    const timeline = this.rooms.get(req.roomId)?.timeline;
    const item = this.pendingItems.get(req.clientId);
    this.pendingItems.delete(req.clientId);
    if (req.kind !== 'message' || !timeline || !item) {
      this.rooms.alert(`${KIND_NAMES[req.kind]} not saved: ${reason}`);
      return;
    }
    const dismiss = { label: 'Dismiss', run: () => timeline.list.remove(item) };
    const again = retry && {
      label: 'Retry',
      run: () => {
        timeline.list.remove(item);
        this.pendingItems.set(req.clientId, timeline.addPending(req.text, req.attachments));
        retry();
      },
    };
    timeline.list.setState(item, 'failed', `Not sent: ${reason}`, again ? [again, dismiss] : [dismiss]);
  }
}

/** Sends one request of the outbox as its event, with exactly the fields the event takes. */
function sendRequest(socket: ChatSocket, req: RoomRequest): ReturnType<OutboxHooks['send']> {
  const { roomId, clientId, text, target } = req;
  // A new message names no offset, so it is good in any epoch; the others name their target's.
  if (req.kind === 'message') {
    const attachments = req.attachments?.map((file) => file.id) ?? [];
    return request(socket, 'message:send', { roomId, text, clientId, ...(attachments.length > 0 ? { attachments } : {}) });
  }
  // Every change names its target (RoomOutbox.create); one without it cannot be sent.
  if (target === undefined) return Promise.resolve({ ok: false, error: 'INVALID_PAYLOAD', message: `${req.kind} names no message` });
  const epoch = req.epoch === undefined ? {} : { epoch: req.epoch };
  if (req.kind === 'reply') return request(socket, 'message:send', { roomId, text, clientId, replyTo: target, ...(req.alsoToRoom ? { alsoToRoom: true } : {}), ...epoch });
  if (req.kind === 'edit') return request(socket, 'message:edit', { roomId, target, text, clientId, ...epoch });
  if (req.kind === 'delete') return request(socket, 'message:delete', { roomId, target, clientId, ...epoch });
  if (req.kind === 'pin' || req.kind === 'unpin') return request(socket, req.kind === 'pin' ? 'message:pin' : 'message:unpin', { roomId, target, clientId, ...epoch });
  return request(socket, 'message:react', { roomId, target, emoji: text, on: req.kind === 'react', clientId, ...epoch });
}

/** How a refused request is named to the person. */
const KIND_NAMES: Readonly<Record<RoomRequest['kind'], string>> = {
  message: 'Message',
  reply: 'Reply',
  edit: 'Edit',
  delete: 'Deletion',
  react: 'Reaction',
  unreact: 'Reaction',
  pin: 'Pin',
  unpin: 'Unpin',
};
