import { draftOf } from '../../delivery/drafts.js';
import { ErrorCode, fail, ok } from '../../shared/errors.js';
import type { AttachedFile } from '../../shared/message.js';
import { messageSendSchema } from '../../shared/protocol/messages.js';
import { threadRootOf } from '../../threads/threads.js';
import { defineEvent } from '../kit.js';

/**
 * `message:send` ({ roomId, text, clientId }): stores the message (once per clientId and
 * its owner: the user, or the issued id it starts with, see ownerOf) and delivers it as
 * `room:event` to every follower except this socket, which gets the acknowledgement
 * { serverOffset, duplicate } instead. With `replyTo`, the message is a reply in the thread
 * of that message (or of its root, when it is a reply itself): stored with the root as its
 * `target`; refused as UNKNOWN_MESSAGE when `replyTo` is no live message of this room. With
 * `alsoToRoom`, a `share` event naming the reply follows it, so every client shows the reply in
 * the room's log too: an event of its own, delivered to this socket as well (its offset is not
 * in the acknowledgement), and stored once per clientId like the reply.
 *
 * With `attachments`, the files are claimed for this message's idempotency key first
 * (store.files.claim: the sender's own uploads to this room, not attached elsewhere, else
 * FILE_REFUSED) and linked to it by the append's own transaction; a retry claims them again.
 */
export const messageSend = (maxMessageLength: number) =>
  defineEvent({
    schema: messageSendSchema(maxMessageLength),
    price: ['messages.connection', 'messages.user'],
    access: 'writer',
    bots: true,
    handle: async ({ input: { roomId, text, clientId, replyTo, alsoToRoom, attachments = [] }, socket, services }) => {
      const { user } = socket.data;
      if (text === '' && attachments.length === 0) return fail(ErrorCode.INVALID_PAYLOAD, 'text must not be empty (unless files are attached)');
      const root = replyTo === undefined ? undefined : await threadRootOf(services.store, roomId, replyTo);
      if (replyTo !== undefined && root === undefined) return fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${replyTo} in this room, or it was deleted`);
      const retry = { by: 'room-protocol', clientId, isIssued: services.issuedIds.isIssued } as const;
      const draft = draftOf({ roomId, text, ...(root === undefined ? {} : { target: root }), author: user.name, authorId: user.id, retry });
      let files: readonly AttachedFile[] | undefined;
      if (attachments.length > 0) {
        // The key ties the claim to this message and its retries (room-protocol drafts always have one).
        if (draft.idempotencyKey === null) return fail(ErrorCode.INVALID_PAYLOAD, 'attachments need a clientId');
        const claimed = await services.store.files.claim({ roomId, ownerId: user.id, ids: attachments, key: draft.idempotencyKey });
        if ('refused' in claimed) return fail(ErrorCode.FILE_REFUSED, claimed.refused);
        files = claimed;
      }
      const sent = await services.appends.append(files ? { ...draft, attachments: files } : draft, { socketId: socket.id, clientId });
      if (root !== undefined && alsoToRoom === true) {
        const share = { by: 'room-protocol', clientId: `${clientId}>room`, isIssued: services.issuedIds.isIssued } as const;
        await services.appends.append(draftOf({ roomId, kind: 'share', text: '', target: sent.serverOffset, author: user.name, authorId: user.id, retry: share }));
      }
      return ok(sent);
    },
  });
