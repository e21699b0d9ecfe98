import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Calls } from '../shared/events.js';
import type { BotCalls, WebhookCalls } from '../shared/protocol/integrations.js';
import type { FileCalls } from '../shared/protocol/files.js';
import type { ExportCalls } from '../shared/protocol/exports.js';
import type { SsoCalls } from '../shared/protocol/sso.js';
import { commandAdminEvents } from './commands/command-admin.js';
import { commandList } from './commands/command-list.js';
import { commandRun } from './commands/command-run.js';
import { roomInvite } from './rooms/room-invite.js';
import { roomTopic } from './rooms/room-topic.js';
import { fileGet } from './files/file-get.js';
import { fileUpload } from './files/file-upload.js';
import { exportAll } from './exports/export-all.js';
import { exportMe } from './exports/export-me.js';
import { exportRoom } from './exports/export-room.js';
import { ssoCallback } from './sso/sso-callback.js';
import { ssoStart } from './sso/sso-start.js';
import type { TutorialCalls } from '../shared/protocol/messages.js';
import { guestNickname } from './accounts/guest-nickname.js';
import { login } from './accounts/login.js';
import { logout } from './accounts/logout.js';
import { passwordEvents } from './accounts/password-events.js';
import { retentionRule } from './moderation/retention-rule.js';
import { register } from './accounts/register.js';
import { chatMessage } from './messages/chat-message.js';
import { historyBefore } from './messages/history-before.js';
import { messageDelete } from './messages/message-delete.js';
import { messageEdit } from './messages/message-edit.js';
import { messageReact } from './messages/message-react.js';
import { messageSend } from './messages/message-send.js';
import { messagePin } from './pins/message-pin.js';
import { messageUnpin } from './pins/message-unpin.js';
import { roomPins } from './pins/room-pins.js';
import { messageLink } from './pins/message-link.js';
import { moderationEvents } from './moderation/moderation-events.js';
import { botApiEvents } from './integrations/bot-api.js';
import { integrationAdminEvents } from './integrations/integration-admin.js';
import { outgoingAdminEvents } from './integrations/outgoing-admin.js';
import { webhookPost } from './integrations/webhook-post.js';
import { readMark } from './messages/read-mark.js';
import { receiptsGet } from './receipts/receipts-get.js';
import { receiptsSet } from './receipts/receipts-set.js';
import { presenceList } from './presence/presence-list.js';
import { typing } from './presence/typing.js';
import type { EventSpec } from './kit.js';
import { dmOpen } from './rooms/dm-open.js';
import { roomCreate } from './rooms/room-create.js';
import { roomDirectory } from './rooms/room-directory.js';
import { roomJoin } from './rooms/room-join.js';
import { roomLeave } from './rooms/room-leave.js';
import { roomList } from './rooms/room-list.js';
import { roomMembers } from './rooms/room-members.js';
import { searchMessages } from './search/search-messages.js';
import { threadList } from './threads/thread-list.js';
import { threadOpen } from './threads/thread-open.js';
import { threadRead } from './threads/thread-read.js';

/**
 * Each call of the contract (src/shared/protocol/) run with the contract's own schema, its
 * handler answering the contract's answer type.
 */
type TableOf<Contract> = { [Event in keyof Contract]: Contract[Event] extends { schema: infer Schema extends z.ZodType; answer: infer Answer } ? EventSpec<Schema, Answer> : never };

/**
 * Every client event, once: its schema, price, access rule and handler are in its own file
 * (events/<domain>/<event>.ts); the door (door.ts) runs them. An event not listed here is
 * answered UNKNOWN_EVENT. Built once per process: schemas that depend on configuration
 * (the longest message) are made here, not per connection.
 */
export function eventTable(config: Config) {
  return {
    'chat message': chatMessage(config.maxMessageLength),

    'account:register': register,
    'account:login': login,
    'account:logout': logout,
    'guest:nickname': guestNickname,
    ...passwordEvents,

    'room:list': roomList,
    'room:directory': roomDirectory,
    'room:create': roomCreate,
    'room:join': roomJoin,
    'room:leave': roomLeave,
    'room:members': roomMembers,
    'dm:open': dmOpen,
    'room:topic': roomTopic,
    'room:invite': roomInvite,

    'command:run': commandRun,
    'command:list': commandList,

    'message:send': messageSend(config.maxMessageLength),
    'message:edit': messageEdit(config.maxMessageLength),
    'message:delete': messageDelete,
    'message:react': messageReact,
    'message:pin': messagePin,
    'message:unpin': messageUnpin,
    'room:pins': roomPins,
    'message:link': messageLink,
    'history:before': historyBefore,
    'read:mark': readMark,
    'receipts:get': receiptsGet,
    'receipts:set': receiptsSet,
    'search:messages': searchMessages,

    'thread:open': threadOpen,
    'thread:list': threadList,
    'thread:read': threadRead,

    typing,
    'presence:list': presenceList,

    ...moderationEvents(config.maxMessageLength),
    ...integrationAdminEvents,
    ...outgoingAdminEvents,
    ...commandAdminEvents,
    'mod:retention': retentionRule,

    // HTTP only: the bot API (src/events/bot-doorway.ts) and webhook deliveries (webhook-doorway.ts).
    ...botApiEvents(config.maxMessageLength),
    'webhook:post': webhookPost(config.maxMessageLength),
    // HTTP only: uploads and fetches of files (src/events/file-doorway.ts).
    'file:upload': fileUpload,
    'file:get': fileGet,
    // HTTP only: data exports (src/events/export-doorway.ts).
    'export:me': exportMe,
    'export:room': exportRoom,
    'export:all': exportAll,
    // HTTP only: single sign-on (src/events/sso-doorway.ts).
    'sso:start': ssoStart,
    'sso:callback': ssoCallback,
  } as const satisfies TableOf<Calls & TutorialCalls & BotCalls & WebhookCalls & FileCalls & ExportCalls & SsoCalls>;
}

export type EventTable = ReturnType<typeof eventTable>;
