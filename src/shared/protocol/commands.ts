import { z } from 'zod';
import type { CommandHelp } from '../commands.js';
import type { Call } from './call.js';
import { clientIdSchema, epochSchema, offsetSchema, roomIdSchema, storableString } from './fields.js';
import { emptySchema } from './moderation.js';
import { webhookUrlSchema } from './outgoing.js';

/**
 * Slash commands: `command:run` (what a person typed, parsed and run by the server: see
 * src/commands/), `command:list` (what the composer offers), and registered commands as
 * admins make them (`mod:command-*`, the operator's too over /admin/api/<name>).
 */

/** The most a typed command may hold (its name, its arguments). */
export const MAX_COMMAND_LENGTH = 4000;

export const commandRunSchema = z.object({
  roomId: roomIdSchema,
  /** What was typed, slash included: `/me waves`. */
  text: storableString(1, MAX_COMMAND_LENGTH).refine((text) => text.startsWith('/') && !text.startsWith('//'), 'a command starts with one slash'),
  /** The id of the message the command may send (`/me`, `/shrug`, a registered command's public answer); a retry reuses it. */
  clientId: clientIdSchema,
  /**
   * Typed in a thread's reply box: a message of the same room, as `message:send`'s `replyTo`
   * (a reply stands for its thread's root; a deleted or unknown one is UNKNOWN_MESSAGE and
   * nothing runs). `/me` and `/shrug` then reply in that thread, a registered command is told
   * its root (`thread_root`), and the others act on the room as from the room's composer.
   */
  replyTo: offsetSchema.min(1).optional(),
  epoch: epochSchema.optional(),
});

/**
 * What a command did:
 * - `message`: it sent a message to the room (`/me`, `/shrug`, a registered command's
 *   `in_channel` answer), at `serverOffset`, reading `text`; `threadRoot` when it is a reply
 *   in that thread (`/me` and `/shrug` run with `replyTo`; a registered command's answer
 *   goes to the room even then). Like `message:send`, the event is
 *   not echoed to the calling connection: the page shows it from this answer.
 * - `ephemeral`: an answer for the caller alone (a registered command's `ephemeral` answer).
 * - `done`: it acted (a topic set, someone invited, muted, kicked or banned, the room left);
 *   `note` says what, for the caller.
 */
export type CommandOutcome =
  | { readonly kind: 'message'; readonly serverOffset: number; readonly duplicate: boolean; readonly text: string; readonly threadRoot?: number }
  | { readonly kind: 'ephemeral'; readonly command: string; readonly text: string }
  | { readonly kind: 'done'; readonly command: string; readonly note: string };

/** A registered command as admins see it (its signing secret only in its creation's answer, once). */
export interface RegisteredCommandView {
  readonly id: number;
  /** The trigger word, without the slash. */
  readonly name: string;
  readonly url: string;
  readonly description: string;
  readonly usage: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

const commandNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a trigger word is a lower-case letter, then letters, digits, _ or - (at most 32)');

export const commandCreateSchema = z.object({
  name: commandNameSchema,
  url: webhookUrlSchema,
  description: storableString(0, 200).default(''),
  usage: storableString(0, 100).default(''),
});
export const commandDeleteSchema = z.object({ id: z.number().int().min(1).max(2 ** 31 - 1) });

/** A room's topic, as `/topic` sets it. */
export const roomTopicSchema = z.object({ roomId: roomIdSchema, topic: storableString(0, 300) });
/** Tells `name` about room `roomId` (`/invite @name`). */
export const roomInviteSchema = z.object({ roomId: roomIdSchema, name: storableString(1, 64) });

export interface CommandCalls {
  /** Run what the person typed in room `roomId`: a built-in command through the call it stands for, or a registered one. */
  'command:run': Call<typeof commandRunSchema, CommandOutcome>;
  /** Every command the composer may offer: the built-in ones, then the registered ones. */
  'command:list': Call<typeof emptySchema, CommandHelp[]>;
  /** Set a public room's topic (members; '' clears it): every follower gets `room:topic`. */
  'room:topic': Call<typeof roomTopicSchema, { topic: string }>;
  /** Tell someone about a public room they may join: they get `room:invited` in every tab. */
  'room:invite': Call<typeof roomInviteSchema, { userId: string; name: string }>;
  /** Admins: register a command; the answer carries its signing secret, the only time it is shown. */
  'mod:command-create': Call<typeof commandCreateSchema, { command: RegisteredCommandView; secret: string }>;
  /** Admins: every registered command. */
  'mod:commands': Call<typeof emptySchema, RegisteredCommandView[]>;
  /** Admins: delete a registered command. */
  'mod:command-delete': Call<typeof commandDeleteSchema, { deleted: boolean }>;
}

/** What the server pushes about commands and topics. */
export interface CommandPushes {
  /** A room's topic changed (to every connection following it). */
  'room:topic': [change: { readonly roomId: number; readonly topic: string; readonly by: string }];
  /** Someone invited this user to a room (every tab of theirs). */
  'room:invited': [invitation: { readonly roomId: number; readonly roomName: string; readonly by: string }];
}
