import { findPerson } from '../../commands/people.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import { roomInviteSchema } from '../../shared/protocol/commands.js';
import { userRoom } from '../../socket-rooms.js';
import { defineEvent } from '../kit.js';

/**
 * `room:invite` ({ roomId, name }): tells `name` (online, or an account) about a public room
 * the caller is a member of: every tab of theirs gets `room:invited`. Public rooms take no
 * invitation to join (anyone may), so an invitation is the telling; direct rooms take no one.
 */
export const roomInvite = defineEvent({
  schema: roomInviteSchema,
  price: ['invites.user'],
  access: 'member',
  handle: async ({ input: { roomId, name }, socket, room, services }) => {
    if (room?.kind !== 'public') return fail(ErrorCode.INVALID_PAYLOAD, 'only public rooms take invitations');
    const person = await findPerson(name, services);
    if (!person) return fail(ErrorCode.UNKNOWN_USER, `no one is named ${name}`);
    if (person.userId === socket.data.user.id) return fail(ErrorCode.INVALID_PAYLOAD, 'you are here already');
    services.io.to(userRoom(person.userId)).emit('room:invited', { roomId, roomName: room.name, by: socket.data.user.name });
    return ok(person);
  },
});
