import type { Socket } from 'socket.io-client';
import type { Ack } from '../../src/shared/errors.js';
import type { AnswerOf, Calls, ClientToServerEvents, PayloadOf, ServerToClientEvents } from '../../src/shared/events.js';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Client events answered through an acknowledgement of `Ack<T>`, whatever their payload. */
type AnsweredEvent = Exclude<keyof Calls, 'typing'>;

/** The answer the page sees when the server did not answer in time or the line dropped. */
export type Outcome<T> = Ack<T> | { ok: false; error: 'NO_ANSWER'; message: string };

/** How long a request waits for its acknowledgement before the page counts it as lost. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends one request and resolves with its acknowledgement, never rejecting: a timeout or a
 * disconnect becomes `NO_ANSWER`, which callers treat as "may or may not have happened".
 * The payload is typed by the event's schema in src/shared/protocol/ (its input), the answer
 * by its declared answer type; the answer is checked for the `Ack` shape only, callers trust
 * the typed contract beyond.
 */
export async function request<Event extends AnsweredEvent>(
  socket: ChatSocket,
  event: Event,
  payload: PayloadOf<Event>,
): Promise<Outcome<AnswerOf<Event>>> {
  try {
    // Socket.IO's typed overloads cannot follow a generic event name: the same signature,
    // spelled for one event. The answer is checked below.
    const timed = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as { emitWithAck(event: Event, payload: PayloadOf<Event>): Promise<unknown> };
    const answer = await timed.emitWithAck(event, payload);
    if (isAck(answer)) return answer as Ack<AnswerOf<Event>>;
    return { ok: false, error: 'INTERNAL', message: 'the server sent an unexpected acknowledgement' };
  } catch {
    return { ok: false, error: 'NO_ANSWER', message: 'no answer from the server' };
  }
}

function isAck(answer: unknown): answer is Ack<unknown> {
  if (typeof answer !== 'object' || answer === null) return false;
  const { ok, error, message } = answer as Record<string, unknown>;
  return ok === true || (ok === false && typeof error === 'string' && typeof message === 'string');
}
