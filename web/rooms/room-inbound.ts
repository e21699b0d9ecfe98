import type { PublicUser, RoomEvent } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';
import type { ChatSocket } from '../shared/rpc.js';
import type { Attention } from './attention.js';
import type { PresenceList } from './presence-list.js';
import type { ReadMarker } from './read-marker.js';
import type { ReadReceiptsView } from './read-receipts.js';
import type { RoomRegistry } from './room-registry.js';
import type { RoomWriter } from './room-writer.js';
import type { TypingLine } from './typing.js';

/** The parts that what the server pushes reaches. */
export interface InboundParts {
  readonly registry: RoomRegistry;
  readonly presence: PresenceList;
  readonly typingLine: TypingLine;
  readonly attention: Attention;
  readonly writer: RoomWriter;
  readonly readMarker: ReadMarker;
  readonly receipts: ReadReceiptsView;
}

/**
 * What the server pushes to the room protocol, each event taken to the parts it changes:
 * room events (once each, in order), rooms added, reset, removed and read elsewhere,
 * presence, renames and typing.
 */
export class RoomInbound {
  constructor(
    lifetime: Lifetime,
    socket: ChatSocket,
    private readonly parts: InboundParts,
    private readonly me: () => PublicUser | undefined,
    private readonly changed: () => void,
  ) {
    const { registry, presence, typingLine } = parts;
    lifetime.on(socket, 'room:event', (event) => this.received(event));
    lifetime.on(socket, 'room:added', (summary) => registry.upsert(summary));
    // The history was replaced (a backup restored): upsert sees the new epoch and reloads the room.
    lifetime.on(socket, 'room:reset', (summary) => registry.upsert(summary));
    lifetime.on(socket, 'room:removed', (roomId) => registry.removed(roomId));
    lifetime.on(socket, 'room:read', (summary) => {
      const room = registry.get(summary.id);
      if (room) registry.update(room, summary);
      changed();
    });
    lifetime.on(socket, 'presence', (notice) => {
      if (notice.roomId === null) {
        if (notice.was) presence.replaced(notice.was, notice.user);
        else presence.update(notice.user, notice.status !== 'offline');
      } else this.notice(notice.roomId, notice.user, notice.status, notice.was);
    });
    lifetime.on(socket, 'presence:renamed', (user) => {
      presence.renamed(user);
      for (const room of registry.all()) room.timeline.renamed(user);
    });
    lifetime.on(socket, 'typing', (roomId, typist, typing) => typingLine.received(roomId, typist, typing));
  }

  private received(event: RoomEvent): void {
    const { registry, attention, typingLine, writer, readMarker, receipts } = this.parts;
    const room = registry.take(event);
    if (!room) return; // not followed, or a replay already shown
    const me = this.me();
    room.timeline.apply(event, writer.pendingItem(event.clientId));
    receipts.redraw(event.roomId);
    const news = room.received(event, me);
    if (news.unread && !event.redacted && (news.mention || room.summary.kind === 'direct')) {
      attention.called({ event, mention: news.mention, place: room.summary.kind === 'public' ? `# ${room.label(me)}` : room.label(me) });
    }
    if (event.kind === 'message') typingLine.spoke(event.roomId, event.author);
    registry.progressed();
    if (event.roomId === registry.activeId) readMarker.schedule();
    this.changed();
  }

  private notice(roomId: number, user: PublicUser, status: string, was: PublicUser | undefined): void {
    const room = this.parts.registry.get(roomId);
    if (!room?.progress || (status !== 'joined' && status !== 'left')) return;
    if (was) room.timeline.switched(was, user, room.progress.contiguous);
    else room.timeline.notice(user, status, room.progress.contiguous);
  }
}
