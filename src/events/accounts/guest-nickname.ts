import { nameSchema } from '../../accounts/names.js';
import { browserSessionOf } from '../../http/connection-facts.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { ONLINE_WATCHERS } from '../../socket-rooms.js';
import { guestNicknameSchema, type PublicUser } from '../../shared/protocol/accounts.js';
import { defineEvent } from '../kit.js';

/**
 * `guest:nickname` ({ nickname }): renames this guest (every tab of its browser session)
 * if no account and no other online guest has the name (see names.ts for what counts as
 * the same name). Each call writes the store and tells whether a name is taken, so it is
 * priced per user and per address. Everyone watching the online list is told at once
 * (`presence:renamed`), so one person shows under one name everywhere.
 */
export const guestNickname = defineEvent({
  schema: guestNicknameSchema(nameSchema),
  price: ['nickname.user', 'nickname.address'],
  access: 'guest',
  handle: async ({ input: { nickname }, socket, services: { identities, io, store } }) => {
    const { user } = socket.data;
    if (!(await identities.guestNames.claim(nickname, user.id))) return fail(ErrorCode.NAME_TAKEN, 'that name is taken');
    const renamed: PublicUser = { ...user, name: nickname };
    identities.change(socket, browserSessionOf(socket), { user: renamed, session: undefined });
    // Completions and new mentions find the guest by the name they go by now.
    await store.mentions.renameMember(user.id, nickname);
    io.to(ONLINE_WATCHERS).emit('presence:renamed', renamed);
    return ok(renamed);
  },
});
