import { draftOf } from '../../delivery/drafts.js';
import { ok } from '../../shared/errors.js';
import { chatMessageSchema, type SentMessage } from '../../shared/protocol/messages.js';
import { defineEvent } from '../kit.js';

/**
 * `chat message` (text, clientOffset, ack): the tutorial's event. Stores the text in the
 * default room, delivers it to everyone there (the sender too), and acknowledges with its
 * offset once this server has written it to the sender. A repeat of a stored message is
 * acknowledged again and neither stored nor broadcast again. A failure that a retry could
 * fix is left unanswered (see silentWhenRetriable): the tutorial's client retries it.
 */
export const chatMessage = (maxMessageLength: number) =>
  defineEvent({
    arguments: ([text, clientOffset]) => ({ text, clientOffset }),
    schema: chatMessageSchema(maxMessageLength),
    price: ['messages.connection', 'messages.user'],
    access: 'general-writer',
    silentWhenRetriable: true,
    handle: async ({ input: { text, clientOffset }, socket, services }) => {
      const draft = draftOf({
        roomId: services.generalRoom.id,
        text,
        author: socket.data.nickname,
        // So the room protocol shows who wrote it, and its author may edit it there.
        authorId: socket.data.user.id,
        retry: { by: 'tutorial', senderKey: socket.data.senderKey, clientOffset: clientOffset ?? undefined, isIssued: services.issuedIds.isIssued },
      });
      const sent: SentMessage = await services.appends.append(draft);
      return ok(sent);
    },
  });
