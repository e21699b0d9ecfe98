import type { Dispatch, Services } from '../kit.js';
import { atLeast } from '../../moderation/roles.js';
import { actionText, SHRUG, splitTarget } from '../../shared/commands.js';
import { ErrorCode, fail, ok, type Ack } from '../../shared/errors.js';
import type { CommandOutcome } from '../../shared/protocol/commands.js';
import type { SentMessage } from '../../shared/protocol/messages.js';
import type { ParleySocket } from '../../types.js';
import { findPerson } from '../../commands/people.js';

/** What a built-in command runs with: the room it was typed in and the connection's way to call events. */
export interface BuiltInContext {
  readonly roomId: number;
  readonly clientId: string;
  /** The root of the thread it was typed in (checked live by command:run); null: the room's composer. */
  readonly threadRoot: number | null;
  readonly socket: ParleySocket;
  readonly dispatch: Dispatch;
  readonly services: Services;
}

type BuiltIn = (args: string, context: BuiltInContext) => Promise<Ack<CommandOutcome>>;

const usage = (text: string): Ack<never> => fail(ErrorCode.INVALID_PAYLOAD, `usage: ${text}`);

/**
 * The built-in commands. Each turns into the call it stands for (`message:send`,
 * `room:topic`, `room:invite`, `room:leave`, `mod:mute`, `mod:kick`, `mod:ban`), run through
 * the connection's `dispatch`: the door charges that call's price and the pipeline checks its
 * access and runs its handler, so a command has exactly the rights, limits and audit of the
 * call, and this file holds no rule of its own beyond reading the arguments. Typed in a
 * thread, `/me` and `/shrug` reply in it; the others have no thread meaning and act on the room.
 */
export const BUILT_IN: Readonly<Record<string, BuiltIn>> = {
  me: (args, context) => (args ? sendText(actionText(args), context) : Promise.resolve(usage('/me <action>'))),
  shrug: (args, context) => sendText(args ? `${args} ${SHRUG}` : SHRUG, context),
  topic: async (args, { roomId, dispatch }) => {
    const answer = await dispatch('room:topic', { roomId, topic: args });
    return answer.ok ? ok({ kind: 'done', command: 'topic', note: args ? `topic set: ${args}` : 'topic cleared' }) : answer;
  },
  invite: async (args, { roomId, dispatch }) => {
    const target = splitTarget(args);
    if (!target || target.rest) return usage('/invite @name');
    const answer = await dispatch('room:invite', { roomId, name: target.name });
    return answer.ok ? ok({ kind: 'done', command: 'invite', note: `${target.name} was told about this room` }) : answer;
  },
  leave: async (args, { roomId, dispatch }) => {
    if (args) return usage('/leave');
    const answer = await dispatch('room:leave', { roomId });
    return answer.ok ? ok({ kind: 'done', command: 'leave', note: 'you left the room' }) : answer;
  },
  mute: (args, context) =>
    moderate(args, context, '/mute @name [minutes]', (rest) => {
      if (rest && !/^\d{1,7}$/.test(rest)) return undefined;
      return rest ? { event: 'mod:mute', payload: { roomId: context.roomId, minutes: Number(rest) } } : { event: 'mod:mute', payload: { roomId: context.roomId } };
    }),
  kick: (args, context) => moderate(args, context, '/kick @name', (rest) => (rest ? undefined : { event: 'mod:kick', payload: {} })),
  ban: (args, context) => moderate(args, context, '/ban @name [reason]', (rest) => ({ event: 'mod:ban', payload: { reason: rest } })),
};

/** Sends `text` to the room as this user's message (`message:send`): a reply in the thread it was typed in, if any. */
async function sendText(text: string, { roomId, clientId, threadRoot, dispatch }: BuiltInContext): Promise<Ack<CommandOutcome>> {
  const answer = await dispatch('message:send', threadRoot === null ? { roomId, text, clientId } : { roomId, text, clientId, replyTo: threadRoot });
  if (!answer.ok) return answer;
  const sent = answer.data as SentMessage;
  return ok({ kind: 'message', serverOffset: sent.serverOffset, duplicate: sent.duplicate, text, ...(threadRoot === null ? {} : { threadRoot }) });
}

/**
 * A moderation command: `@name` and the rest of the arguments read by `call` into the
 * `mod:*` call (undefined: the arguments do not fit its usage), then dispatched with the
 * person's id. A name no one has is told apart from a refusal only to those whose role could
 * act at all, so a member cannot probe for names with `/kick`.
 */
async function moderate(
  args: string,
  context: BuiltInContext,
  usageText: string,
  call: (rest: string) => { readonly event: string; readonly payload: Record<string, unknown> } | undefined,
): Promise<Ack<CommandOutcome>> {
  const target = splitTarget(args);
  const request = target && call(target.rest);
  if (!target || !request) return usage(usageText);
  const person = await findPerson(target.name, context.services);
  if (!person) {
    const rank = await context.services.moderation.rankOf(context.socket.data.user);
    return atLeast(rank, 'moderator') ? fail(ErrorCode.UNKNOWN_USER, `no one is named ${target.name}`) : fail(ErrorCode.FORBIDDEN, 'your role does not allow this');
  }
  const command = request.event.replace(/^mod:/, '');
  const answer = await context.dispatch(request.event, { ...request.payload, userId: person.userId });
  return answer.ok ? ok({ kind: 'done', command, note: `${command}: ${person.name}` }) : answer;
}
