import { browserSessionOf } from '../auth/session-cookie.js';
import { splitArguments } from '../chat/arguments.js';
import type { HandlerContext } from '../chat/context.js';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import { nameSchema } from './names.js';
import { failure, firstIssue } from './respond.js';
import { z } from 'zod';

const payloadSchema = z.object({ nickname: nameSchema });

/**
 * `guest:nickname` ({ nickname }): renames this guest (every tab of its browser session)
 * if no account and no other online guest has the name in any letter case.
 */
export function guestNickname(context: HandlerContext) {
  const { socket, log, identities } = context;
  return async (...args: unknown[]): Promise<void> => {
    const { payload, respond } = splitArguments<PublicUser>(args);
    const parsed = payloadSchema.safeParse(payload[0]);
    if (!parsed.success) return respond(fail(ErrorCode.INVALID_PAYLOAD, firstIssue(parsed.error.issues)));
    const { user } = socket.data;
    if (user.kind !== 'guest') return respond(fail(ErrorCode.ALREADY_SIGNED_IN, 'signed in to an account; sign out to pick a guest nickname'));
    try {
      if (!(await identities.guestNames.claim(parsed.data.nickname, user.id))) {
        return respond(fail(ErrorCode.NAME_TAKEN, 'that name is taken'));
      }
      const renamed: PublicUser = { ...user, name: parsed.data.nickname };
      identities.change(socket, browserSessionOf(socket.request), { user: renamed, session: undefined });
      respond(ok(renamed));
    } catch (error) {
      respond(failure(error, socket, log, 'guest:nickname'));
    }
  };
}
