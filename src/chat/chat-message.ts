import { z } from 'zod';
import { ErrorCode, fail, ok } from '../shared/errors.js';
import type { SentMessage } from '../shared/events.js';
import { StoreUnavailableError, UnknownRoomError } from '../store/store.js';
import { splitArguments } from './arguments.js';
import type { HandlerContext } from './context.js';
import { idempotencyKey } from './idempotency.js';

const clientOffsetSchema = z.union([z.string().max(256), z.null(), z.undefined()]);

const textSchemas = new Map<number, z.ZodType<string>>();

/**
 * The text schema for a length limit, built once per process rather than per connection
 * (a schema costs kilobytes; a worker holds thousands of connections). NUL is refused so
 * every backend stores the same texts (PostgreSQL cannot hold it).
 */
function textSchemaFor(maxLength: number): z.ZodType<string> {
  let schema = textSchemas.get(maxLength);
  if (!schema) {
    schema = z.string().min(1).max(maxLength).refine((value) => !value.includes('\u0000'));
    textSchemas.set(maxLength, schema);
  }
  return schema;
}

/**
 * `chat message` (text, clientOffset, ack): the tutorial's event. Stores the text in the
 * default room, announces it, and acknowledges with its offset once this server has
 * written it to the room. A repeat of a stored
 * message is acknowledged again and neither stored nor broadcast again.
 *
 * The tutorial's client takes any acknowledgement as success, so a failure that a retry
 * could fix (storage busy or down, server shutting down) is left unacknowledged: the
 * client's `retries` sends it again. Failures no retry can fix get an error ack.
 */
export function chatMessage(context: HandlerContext) {
  const { socket, store, delivery, config, log, generalRoom, rateLimit, inFlight } = context;
  const textSchema = textSchemaFor(config.maxMessageLength);

  return (...args: unknown[]): void => {
    const { payload, respond } = splitArguments<SentMessage>(args);
    const [text, clientOffset] = payload;
    const refuse = (error: ErrorCode, message: string): void => {
      log.info({ socketId: socket.id, error }, `chat message refused: ${message}`);
      respond(fail(error, message));
    };

    if (!inFlight.accepting) return; // shutting down: the client retries on another worker
    if (typeof text !== 'string') return refuse(ErrorCode.INVALID_PAYLOAD, 'text must be a string');
    const parsedText = textSchema.safeParse(text);
    if (!parsedText.success) {
      if (text.length === 0) return refuse(ErrorCode.INVALID_PAYLOAD, 'text must not be empty');
      if (text.length > config.maxMessageLength) {
        return refuse(ErrorCode.MESSAGE_TOO_LONG, `text is longer than ${config.maxMessageLength} characters`);
      }
      return refuse(ErrorCode.INVALID_PAYLOAD, 'text must not contain NUL characters');
    }
    const parsedOffset = clientOffsetSchema.safeParse(clientOffset);
    if (!parsedOffset.success) return refuse(ErrorCode.INVALID_PAYLOAD, 'clientOffset must be a string of at most 256 characters');
    if (!rateLimit.take()) return refuse(ErrorCode.RATE_LIMITED, 'too many messages; slow down');

    const draft = {
      roomId: generalRoom.id,
      author: socket.data.nickname,
      // So the room protocol shows who wrote it, and its author may edit it there.
      authorId: socket.data.user.id,
      text: parsedText.data,
      idempotencyKey: idempotencyKey(socket.data.senderKey, parsedOffset.data ?? undefined, parsedText.data),
    };
    void inFlight.track(
      store.appendMessage(draft).then(
        async ({ message, duplicate }) => {
          if (duplicate) delivery.announceHead(message.roomId, message.offset);
          else delivery.announce(message);
          // Like the tutorial's server: the sender gets the broadcast before the acknowledgement.
          await delivery.feed(message.roomId).reach(message.offset);
          respond(ok({ serverOffset: message.offset, duplicate }));
        },
        (error: unknown) => {
          if (error instanceof UnknownRoomError) {
            refuse(ErrorCode.UNKNOWN_ROOM, 'the room does not exist');
          } else if (error instanceof StoreUnavailableError) {
            log.warn({ err: error, socketId: socket.id }, 'chat message not stored; left unacknowledged for a retry');
          } else {
            log.error({ err: error, socketId: socket.id }, 'chat message not stored; left unacknowledged for a retry');
          }
        },
      ),
    );
  };
}
