import type { IncomingMessage } from 'node:http';
import type { Identities } from '../accounts/identities.js';
import type { Bots } from '../integrations/bots.js';
import type { SessionCookies } from '../accounts/session-cookies.js';
import { identify, type ConnectionRefusal } from '../auth/authenticate.js';
import { issueSocketId, type IssuedIds } from '../auth/issued-ids.js';
import { issueSessionCookies } from '../auth/session-cookie.js';
import { browserSessionOf, carriedSessionOf, keepConnectionFacts } from '../http/connection-facts.js';
import { corkUpgradeAnswers, holdFirstWrites } from '../http/first-writes.js';
import type { Delivery } from '../delivery/delivery.js';
import { tutorialWire } from '../delivery/tutorial-wire.js';
import type { EventDoor } from '../events/door.js';
import type { Logger } from '../log.js';
import { joinUserRoom } from '../presence/connection-rooms.js';
import { parseHandshake, type Handshake, type HandshakeRefusalData } from '../shared/protocol/handshake.js';
import type { Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';

/** What a connection meets on its way in and out. */
export interface ConnectionParts {
  readonly ids: IssuedIds;
  readonly cookies: SessionCookies;
  /** Whether a handshake's browser may use its session cookie (src/http/origins.ts). */
  readonly mayUseCookie: (request: IncomingMessage) => boolean;
  readonly store: Store;
  readonly identities: Identities;
  /** Bot tokens: a handshake's `auth.token` may be one (src/integrations/bots.ts). */
  readonly bots: Bots;
  /** Why a user may not connect now (a ban), or undefined. */
  readonly refusal: ConnectionRefusal;
  readonly door: EventDoor;
  readonly delivery: Delivery;
  readonly generalRoomId: number;
  /** PARLEY_TRUSTED_PROXIES: whose X-Forwarded-For names the client's address. */
  readonly trustedProxies: readonly string[];
  readonly log: Logger;
}

/**
 * A connection's life, in the order it happens. Everything Socket.IO is told to do with a
 * connection is registered here, once: no other module adds a middleware or a
 * `connection` listener, so this file is the order.
 *
 * Before the socket exists, on the engine's handshake request:
 *   0. the browser session cookie is read, or issued (auth/session-cookie.ts); once the
 *      engine's session exists, what the rest needs of the request (address, browser
 *      session) is kept and the request released (http/connection-facts.ts).
 * In the namespace's middleware, which runs for recovered connections too (so a check here
 * can never be bypassed by connection state recovery); a refusal carries its reason:
 *   1. the socket gets an id this deployment issued (auth/issued-ids.ts);
 *   2. the handshake's `auth` is parsed, once (shared/protocol/handshake.ts);
 *   3. its sender key: the browser session, else the connection (idempotency of `clientOffset`);
 *   4. who it is: the token's account (or bot: src/integrations/bots.ts), else the browser's,
 *      else a guest; a banned user is refused. Let in, what it is sent in this turn of the
 *      event loop (CONNECT, steps 5 to 8) leaves in one write (http/first-writes.ts).
 * Once connected:
 *   5. it joins the rooms its identity is shared through and is told who it is;
 *   6. it joins its user's room (presence);
 *   7. its events are answered (events/door.ts);
 *   8. a room-protocol client re-follows its rooms (the door), a tutorial client is caught
 *      up in `general` from its `serverOffset` (a bot is not: it reads only its rooms);
 *   9. on disconnect, its guest name is freed (accounts/identities.ts); presence and its
 *      rooms follow from the adapter's own events.
 */
export function runConnections(io: ParleyServer, parts: ConnectionParts): void {
  const { identities, log } = parts;
  issueSessionCookies(io, parts.cookies, parts.mayUseCookie);
  keepConnectionFacts(io, parts.trustedProxies);
  corkUpgradeAnswers(io);
  const handshakes = new WeakMap<ParleySocket, Handshake>();

  io.use((socket, next) => {
    if (!socket.recovered) issueSocketId(socket, parts.ids);
    const parsed = parseHandshake(socket.handshake.auth);
    if ('refusal' in parsed) return next(new Error(parsed.refusal));
    const { handshake } = parsed;
    handshakes.set(socket, handshake);
    const browserSession = browserSessionOf(socket);
    socket.data.senderKey = browserSession ? `browser:${browserSession}` : `socket:${socket.id}`;
    // Nothing stored can name a connection that carried no cookie and got its socket id just now.
    const newVisitor = !socket.recovered && carriedSessionOf(socket) === undefined;
    identify(parts.store, identities, parts.bots, handshake.token, browserSession, socket.data.senderKey, newVisitor).then(
      (identity) => {
        if (!identity) return next(new Error('invalid or expired session token; sign in again'));
        const refused = parts.refusal(identity.user.id);
        if (refused) {
          log.info({ socketId: socket.id, userId: identity.user.id, recovered: socket.recovered }, 'banned user refused');
          return next(refused);
        }
        identities.assign(socket, identity);
        holdFirstWrites(socket);
        next();
      },
      (error: unknown) => {
        log.warn({ err: error, socketId: socket.id }, 'identity not resolved; connection refused');
        next(unavailableRefusal());
      },
    );
  });

  io.on('connection', (socket) => {
    const handshake = handshakes.get(socket);
    if (!handshake) throw new Error('a connection that passed no handshake');
    // Read once, here: an idle connection keeps none of it.
    handshakes.delete(socket);
    identities.track(socket, browserSessionOf(socket));
    joinUserRoom(socket);
    parts.door.connect(socket, handshake);
    // A bot reads only the rooms it was given, through the room protocol: never the tutorial's general.
    if (handshake.rooms !== undefined || socket.data.user.kind === 'bot') return;
    parts.delivery.catchUp(socket, parts.generalRoomId, handshake.serverOffset, tutorialWire).catch((error: unknown) => {
      log.warn({ err: error, socketId: socket.id }, 'catch-up failed; disconnecting so the client retries');
      socket.disconnect(true);
    });
  });
}

/** A handshake refused while the store does not answer: marked retryable (HandshakeRefusalData), so clients come back with their back-off. */
function unavailableRefusal(): Error & { readonly data: HandshakeRefusalData } {
  return Object.assign(new Error('server unavailable; try again'), { data: { code: 'UNAVAILABLE' as const } });
}
