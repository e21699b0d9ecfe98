import { joinRoomProtocol, needsRoomsAtOnce, roomContext } from '../rooms/index.js';
import type { RoomContext } from '../rooms/context.js';
import { ErrorCode, fail } from '../shared/errors.js';
import type { ParleySocket } from '../types.js';
import type { ChatServices } from './context.js';
import { chatEvents, isChatEvent, type ChatEvent, type EventHandler } from './index.js';
import { RateLimit } from './rate-limit.js';

/** One connection's context and the handlers it has used so far. */
interface ConnectionHandlers {
  readonly context: RoomContext;
  readonly built: Map<ChatEvent, EventHandler>;
}

/**
 * Routes every client event of every connection to its handler in the table (index.ts).
 * A connection gets one listener (`onAny`); its context (rate limit, followed rooms) and the
 * handler of each event are built on first use and kept for the connection's life. Most
 * connections of a chat sit idle, and a handler is a closure over its context: built up
 * front for every event they cost about 5 KB of heap per idle connection.
 */
export class EventDispatcher {
  private readonly connections = new WeakMap<ParleySocket, ConnectionHandlers>();

  constructor(private readonly services: ChatServices) {}

  /** Starts answering a new connection's events. */
  connect(socket: ParleySocket): void {
    joinRoomProtocol(socket);
    if (needsRoomsAtOnce(socket)) this.handlersOf(socket);
    // Every event gets an answer: one the server does not know is refused, so a client
    // with `retries` does not resend it until it gives up.
    socket.onAny((event: unknown, ...args: unknown[]) => this.dispatch(socket, event, args));
  }

  private dispatch(socket: ParleySocket, event: unknown, args: unknown[]): void {
    if (isChatEvent(event)) {
      const handlers = this.handlersOf(socket);
      let handler = handlers.built.get(event);
      if (!handler) {
        handler = chatEvents[event](handlers.context);
        handlers.built.set(event, handler);
      }
      void handler(...args);
      return;
    }
    this.services.log.info({ socketId: socket.id, event: String(event).slice(0, 100) }, 'unknown event refused');
    const ack = args.at(-1);
    if (typeof ack === 'function') ack(fail(ErrorCode.UNKNOWN_EVENT, 'no such event'));
  }

  private handlersOf(socket: ParleySocket): ConnectionHandlers {
    let handlers = this.connections.get(socket);
    if (!handlers) {
      const { config } = this.services;
      const rateLimit = new RateLimit(config.rateLimitPerSecond, config.rateLimitBurst);
      handlers = { context: roomContext({ ...this.services, socket, rateLimit }), built: new Map() };
      this.connections.set(socket, handlers);
    }
    return handlers;
  }
}
