import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/**
 * What a guest who creates an account keeps: the public rooms it followed and how far it had
 * read each one. The person is the same, only signed in now; without this the account
 * started with no read marker, and the room being read showed every message as unread (a
 * badge of 426 on `general`). Direct rooms stay the guest's: they name the guest. Signing in
 * to an existing account carries nothing over: on a shared computer someone else's reading
 * would hide the account's unread messages.
 *
 * Best effort, after the account is stored: a failure is logged and the account starts
 * as every new one does (nothing read), rather than failing a registration that succeeded.
 */
export async function carryOverGuest(store: Store, log: Logger, guestId: string, account: { readonly userId: string; readonly name: string }): Promise<void> {
  try {
    const rooms = await store.rooms.listRooms(guestId);
    for (const room of rooms) {
      if (room.kind !== 'public') continue;
      if (room.member) await store.rooms.addMember(room.id, { userId: account.userId, name: account.name });
      if (room.readOffset > 0) await store.rooms.markRead(room.id, account.userId, room.readOffset);
    }
  } catch (error) {
    log.warn({ err: error, accountId: account.userId }, "the guest's rooms and read markers were not carried over to its new account");
  }
}
