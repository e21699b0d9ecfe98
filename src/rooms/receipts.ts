import type { ParleyServer } from '../types.js';
import type { Receipts } from '../shared/protocol/receipts.js';
import type { Store } from '../store/store.js';
import { liveRoom, RECEIPTS_OFF, userRoom } from '../socket-rooms.js';

/**
 * Read receipts, made from the read markers Parley keeps anyway: in a room of at most
 * `maxMembers` members (direct rooms are two), each member who sends receipts shows how far
 * they have read. One who turned them off shows nothing and sees nothing (their
 * connections join RECEIPTS_OFF, which live receipts leave out).
 */
export class ReadReceipts {
  constructor(
    private readonly io: ParleyServer,
    private readonly store: Store,
    private readonly maxMembers: number,
  ) {}

  /** The receipts of `roomId` as `viewerId` may see them: the other members' who send receipts and read something. */
  async of(roomId: number, viewerId: string): Promise<Receipts> {
    const readers = this.maxMembers === 0 ? undefined : await this.store.rooms.readers(roomId, this.maxMembers);
    const sending = readers?.find((reader) => reader.userId === viewerId)?.sendsReceipts ?? (await this.store.rooms.sendsReceipts(viewerId));
    if (!readers || !sending) return { sending, available: readers !== undefined, receipts: [] };
    const receipts = readers
      .filter((reader) => reader.userId !== viewerId && reader.sendsReceipts && reader.readOffset > 0)
      .map((reader) => ({ user: { id: reader.userId, name: reader.name }, offset: reader.readOffset }));
    return { sending, available: true, receipts };
  }

  /** `userId` (named `name`) has read `roomId` up to `offset`: tells the room's live followers, if the room has receipts and they send them. */
  async announce(roomId: number, user: { readonly id: string; readonly name: string }, offset: number): Promise<void> {
    if (this.maxMembers === 0) return;
    const readers = await this.store.rooms.readers(roomId, this.maxMembers);
    if (!readers?.find((reader) => reader.userId === user.id)?.sendsReceipts) return;
    // Not to the reader's own tabs: their read marker reaches them as `room:read`.
    this.io.to(liveRoom(roomId)).except([RECEIPTS_OFF, userRoom(user.id)]).emit('room:receipt', { roomId, user: { id: user.id, name: user.name }, offset });
  }
}
