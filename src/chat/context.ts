import type { Identities } from '../accounts/identities.js';
import type { Config } from '../config.js';
import type { Delivery } from '../delivery/delivery.js';
import type { RoomWire } from '../delivery/room-wire.js';
import type { Logger } from '../log.js';
import type { Presence } from '../presence/presence.js';
import type { Room, Store } from '../store/store.js';
import type { ParleyServer, ParleySocket } from '../types.js';
import type { RateLimit } from './rate-limit.js';
import type { InFlight } from './in-flight.js';

/** The services every handler shares: one object per server, not per connection. */
export interface ChatServices {
  readonly io: ParleyServer;
  readonly store: Store;
  readonly delivery: Delivery;
  /** The room protocol's wire (src/rooms/ follows rooms and sends through it). */
  readonly roomWire: RoomWire;
  readonly config: Config;
  readonly log: Logger;
  readonly generalRoom: Room;
  readonly inFlight: InFlight;
  /** Who connections are: sign-in, sign-out and guest names (src/accounts/). */
  readonly identities: Identities;
  /** Who is online, join/leave notices and typing (src/presence/). */
  readonly presence: Presence;
}

/** What every event handler is given: the shared services and its own connection. */
export interface HandlerContext extends ChatServices {
  readonly socket: ParleySocket;
  /** The connection's token bucket for messages and room events. */
  readonly rateLimit: RateLimit;
}
