import { BUILT_IN } from './built-in.js';
import { COMMAND_NAME, parseComposed } from '../../shared/commands.js';
import { ErrorCode, fail } from '../../shared/errors.js';
import { commandRunSchema } from '../../shared/protocol/commands.js';
import { threadRootOf } from '../../threads/threads.js';
import { defineEvent } from '../kit.js';

/**
 * `command:run` ({ roomId, text, clientId, replyTo? }): what a person typed after a slash,
 * parsed here (src/shared/commands.ts) and run. Typed in a thread (`replyTo`), the thread's
 * root is found first, as `message:send` finds it, and a root that is no live message of
 * this room refuses the command before it runs, whatever it is: `/me` and `/shrug` reply in
 * that thread, a registered command is told the root, the others act on the room. A
 * built-in command becomes the call it stands for, dispatched through the door
 * (./built-in.ts), so it pays that call's price and meets that call's access rule and audit; a registered one POSTs to its receiver
 * (src/commands/registered-commands.ts). An unknown command is INVALID_PAYLOAD and sends nothing.
 */
export const commandRun = defineEvent({
  schema: commandRunSchema,
  price: ['commands.user'],
  access: 'member',
  handle: async ({ input: { roomId, text, clientId, replyTo }, socket, room, dispatch, services }) => {
    const composed = parseComposed(text);
    if (composed.kind !== 'command' || !COMMAND_NAME.test(composed.name)) return fail(ErrorCode.INVALID_PAYLOAD, 'not a command: type / and a command name, or // to send a line that starts with /');
    const threadRoot = replyTo === undefined ? null : ((await threadRootOf(services.store, roomId, replyTo)) ?? null);
    if (replyTo !== undefined && threadRoot === null) {
      return fail(ErrorCode.UNKNOWN_MESSAGE, `no message at offset ${replyTo} in this room, or it was deleted: /${composed.name} was not run in its thread`);
    }
    const builtIn = Object.hasOwn(BUILT_IN, composed.name) ? BUILT_IN[composed.name] : undefined;
    if (builtIn) return builtIn(composed.args, { roomId, clientId, threadRoot, socket, dispatch, services });
    const registered = await services.commands.find(composed.name);
    if (!registered || !room) return fail(ErrorCode.INVALID_PAYLOAD, `unknown command /${composed.name}: nothing was sent`);
    return services.commands.run(registered, composed.args, { user: socket.data.user, room, clientId, threadRoot, socketId: socket.id });
  },
});
