import { draftOf } from '../../delivery/drafts.js';
import { ok } from '../../shared/errors.js';
import { messageSendSchema } from '../../shared/protocol/messages.js';
import { defineEvent } from '../kit.js';

/**
 * `message:send` ({ roomId, text, clientId }): stores the message (once per clientId and
 * its owner: the user, or the issued id it starts with, see ownerOf) and delivers it as
 * `room:event` to every follower except this socket, which gets the acknowledgement
 * { serverOffset, duplicate } instead.
 */
export const messageSend = (maxMessageLength: number) =>
  defineEvent({
    schema: messageSendSchema(maxMessageLength),
    price: ['messages.connection', 'messages.user'],
    access: 'writer',
    bots: true,
    handle: async ({ input: { roomId, text, clientId }, socket, services }) => {
      const { user } = socket.data;
      const draft = draftOf({ roomId, text, author: user.name, authorId: user.id, retry: { by: 'room-protocol', clientId, isIssued: services.issuedIds.isIssued } });
      return ok(await services.appends.append(draft, { socketId: socket.id, clientId }));
    },
  });
