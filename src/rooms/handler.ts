import type { z } from 'zod';
import { splitArguments } from '../chat/arguments.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import { StoreUnavailableError } from '../store/store.js';
import type { RoomContext } from './context.js';

/**
 * Wraps one room-protocol event: splits off the acknowledgement, validates the payload
 * with `schema`, takes a token of the connection's rate limit, runs `work`, and always
 * answers: bad payloads with INVALID_PAYLOAD, floods with RATE_LIMITED, storage trouble with
 * UNAVAILABLE (the client may retry), anything else with INTERNAL (logged).
 */
export function roomHandler<Schema extends z.ZodType, Output>(
  context: RoomContext,
  event: string,
  schema: Schema,
  work: (input: z.infer<Schema>) => Promise<Ack<Output>>,
): (...args: unknown[]) => void {
  const { socket, log } = context;
  return (...args: unknown[]): void => {
    const { payload, respond } = splitArguments<Output>(args);
    const parsed = schema.safeParse(payload[0]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      respond(fail(ErrorCode.INVALID_PAYLOAD, `${event}: ${issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'bad payload'}`));
      return;
    }
    // Every room event reads or writes the store: one token of the connection's rate limit each.
    if (!context.rateLimit.take()) {
      respond(fail(ErrorCode.RATE_LIMITED, 'too many requests; slow down'));
      return;
    }
    work(parsed.data).then(respond, (error: unknown) => {
      if (error instanceof StoreUnavailableError) {
        log.warn({ err: error, socketId: socket.id, event }, 'storage unavailable');
        respond(fail(ErrorCode.UNAVAILABLE, 'storage is busy or down; try again'));
      } else {
        log.error({ err: error, socketId: socket.id, event }, 'room event failed');
        respond(fail(ErrorCode.INTERNAL, 'internal error'));
      }
    });
  };
}

/** Refuses with `error`, as an acknowledgement. */
export const refuse = (refusal: { error: ErrorCode; message: string }): Ack<never> => fail(refusal.error, refusal.message);
