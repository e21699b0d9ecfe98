import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Appends } from '../delivery/append.js';
import { draftOf } from '../delivery/drafts.js';
import type { Logger } from '../log.js';
import type { Actor } from '../moderation/moderation.js';
import { RefusedAddressError, type AddressGuard } from '../outgoing/address-guard.js';
import { signedPost } from '../outgoing/signed-post.js';
import { BUILT_IN_COMMANDS } from '../shared/commands.js';
import { ErrorCode, fail, ok, type Ack } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import type { CommandOutcome, RegisteredCommandView } from '../shared/protocol/commands.js';
import { storable } from '../shared/protocol/fields.js';
import { CommandExistsError, commandAuditId, type RegisteredCommandRecord } from '../store/commands.js';
import type { RoomRecord } from '../store/rooms.js';
import type { Store } from '../store/store.js';

const view = ({ secret: _secret, ...command }: RegisteredCommandRecord): RegisteredCommandView => command;

/** The user id a registered command's public answers carry: `c:<id>` (shown as a bot). */
export const commandUserId = (id: number): string => `c:${id}`;

/** What a command's receiver may answer (Slack's shape); `response_type` defaults to `ephemeral`, as Slack's does. */
const answerSchema = (maxMessageLength: number) =>
  z.object({
    text: z.string().min(1).max(maxMessageLength).refine(storable),
    response_type: z.enum(['in_channel', 'ephemeral']).default('ephemeral'),
  });

/** Who runs a registered command, and where. */
export interface CommandCaller {
  readonly user: PublicUser;
  readonly room: RoomRecord;
  readonly clientId: string;
  /** The root of the thread it was typed in (checked live), sent to the receiver as `thread_root`; null: the room's composer. */
  readonly threadRoot: number | null;
  /** The socket that ran it: its `in_channel` answer is not echoed to it (the acknowledgement shows it). */
  readonly socketId: string;
}

/**
 * Registered slash commands: made by admins (a trigger word, a URL, a signing secret of 192
 * random bits shown once), listed, deleted, each change audited; and run. Running one POSTs
 * to its URL, signed as outgoing webhooks are (src/outgoing/signing.ts), through the same
 * address guard (no loopback, private or link-local address unless
 * PARLEY_WEBHOOK_ALLOWED_NETWORKS allows it), with a timeout; its answer is posted to the
 * room as the command (`in_channel`) or returned to the caller alone (`ephemeral`).
 */
export class RegisteredCommands {
  constructor(
    private readonly options: {
      readonly store: Store;
      readonly appends: Appends;
      readonly guard: AddressGuard;
      readonly log: Logger;
      /** The longest a receiver may take (PARLEY_COMMAND_TIMEOUT_MS). */
      readonly timeoutMs: number;
      readonly maxMessageLength: number;
      readonly isIssued: (id: string) => boolean;
    },
  ) {}

  async create(actor: Actor, command: { readonly name: string; readonly url: string; readonly description: string; readonly usage: string }): Promise<Ack<{ command: RegisteredCommandView; secret: string }>> {
    if (BUILT_IN_COMMANDS.some((builtIn) => builtIn.name === command.name)) return fail(ErrorCode.INVALID_PAYLOAD, `/${command.name} is a built-in command`);
    const secret = randomBytes(24).toString('base64url');
    const at = Date.now();
    const audit = { at, actor: actor.id, actorName: actor.name, action: 'command-create', target: null, roomId: null, detail: `/${command.name} ${new URL(command.url).origin}` };
    try {
      const record = await this.options.store.commands.createCommand({ ...command, secret, createdAt: at, createdBy: actor.id }, audit);
      this.options.log.info({ commandId: record.id, name: record.name, by: actor.id }, 'slash command registered');
      return ok({ command: view(record), secret });
    } catch (error) {
      if (error instanceof CommandExistsError) return fail(ErrorCode.INVALID_PAYLOAD, `a command /${command.name} exists already`);
      throw error;
    }
  }

  /** The registered command with this trigger word. */
  find(name: string): Promise<RegisteredCommandRecord | undefined> {
    return this.options.store.commands.commandByName(name);
  }

  async list(): Promise<Ack<RegisteredCommandView[]>> {
    return ok((await this.options.store.commands.commands()).map(view));
  }

  async delete(actor: Actor, command: { readonly id: number }): Promise<Ack<{ deleted: boolean }>> {
    const audit = { at: Date.now(), actor: actor.id, actorName: actor.name, action: 'command-delete', target: commandAuditId(command.id), roomId: null, detail: '' };
    const deleted = await this.options.store.commands.deleteCommand(command.id, audit);
    if (!deleted) return fail(ErrorCode.INVALID_PAYLOAD, 'no such registered command');
    return ok({ deleted });
  }

  /**
   * Runs `command` with `args` for `caller`: the signed POST, then its answer. A receiver that
   * cannot be reached, is refused, takes too long, fails or answers something other than
   * `{ "text": ... }` is UNAVAILABLE with what went wrong, and nothing is posted.
   */
  async run(command: RegisteredCommandRecord, args: string, caller: CommandCaller): Promise<Ack<CommandOutcome>> {
    const { log, guard, timeoutMs, maxMessageLength } = this.options;
    const eventId = randomUUID();
    const body = JSON.stringify({
      event_id: eventId,
      command: `/${command.name}`,
      text: args,
      user: { id: caller.user.id, name: caller.user.name },
      room: { id: caller.room.id, name: caller.room.name },
      // So the receiver knows the thread; its in_channel answer still goes to the room.
      thread_root: caller.threadRoot,
      clientId: caller.clientId,
    });
    let answer;
    try {
      answer = await signedPost(new URL(command.url), body, { secret: command.secret, eventId, event: 'command' }, guard, timeoutMs);
    } catch (error) {
      const reason = error instanceof RefusedAddressError ? `its address is refused (${error.message})` : (error as Error).message;
      log.info({ commandId: command.id, err: error }, 'slash command receiver unreachable');
      return fail(ErrorCode.UNAVAILABLE, `/${command.name} did not answer: ${reason}`);
    }
    if (answer.status < 200 || answer.status > 299) return fail(ErrorCode.UNAVAILABLE, `/${command.name} failed: its receiver answered HTTP ${answer.status}`);
    const parsed = parseAnswer(answer.body, maxMessageLength);
    if (!parsed) return fail(ErrorCode.UNAVAILABLE, `/${command.name} answered something other than {"text": ...}`);
    if (parsed.response_type === 'ephemeral') return ok({ kind: 'ephemeral', command: command.name, text: parsed.text });
    const retry = { by: 'room-protocol', clientId: caller.clientId, isIssued: this.options.isIssued } as const;
    const draft = draftOf({ roomId: caller.room.id, text: parsed.text, author: `/${command.name}`, authorId: commandUserId(command.id), retry });
    const sent = await this.options.appends.append(draft, { socketId: caller.socketId, clientId: caller.clientId });
    return ok({ kind: 'message', serverOffset: sent.serverOffset, duplicate: sent.duplicate, text: parsed.text });
  }
}

function parseAnswer(body: string, maxMessageLength: number): z.output<ReturnType<typeof answerSchema>> | undefined {
  try {
    const parsed = answerSchema(maxMessageLength).safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
