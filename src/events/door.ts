import type { LimitName } from '../limits/catalog.js';
import type { Payer } from '../limits/price.js';
import type { TokenBucket } from '../limits/token-bucket.js';
import { addressOf } from '../http/connection-facts.js';
import { Follows } from '../rooms/follows.js';
import { summaryOf } from '../rooms/summary.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import type { Handshake } from '../shared/protocol/handshake.js';
import type { ParleySocket } from '../types.js';
import { splitArguments } from './arguments.js';
import { botPrice } from './integration-price.js';
import { failureAck } from './failures.js';
import type { Services } from './kit.js';
import type { AnySpec, EventPipeline } from './pipeline.js';
import { CountedLog } from '../counted-log.js';
import { ackSeconds, refusals as refusalCount } from '../operations/metrics.js';

/** One connection's state, made on its first event (most connections of a chat sit idle). */
interface ConnectionState extends Payer {
  readonly follows: Follows;
  /** Settles when the last event's price is paid: events enter their handlers in arrival order. */
  paying: Promise<unknown> | undefined;
}

const noop = (): void => undefined;

/** What a refused event costs its connection and address (see refuse). */
const REFUSAL_PRICE: readonly LimitName[] = ['refusals.connection', 'refusals.address'];
const RATE_LIMITED_PRICE: readonly LimitName[] = ['rate-limited.connection'];

/** What the client is answered for a spent limit. */
const RATE_LIMITED = fail(ErrorCode.RATE_LIMITED, 'too many requests; slow down');

/**
 * The Socket.IO doorway of every client event. Each event, in this order: known (else
 * UNKNOWN_EVENT), its price paid (the limits of the table, shared across connections; else
 * RATE_LIMITED), in the order the connection sent them; then the pipeline (pipeline.ts:
 * payload, epoch, access, handler, failure), whose outcome becomes the acknowledgement.
 * Refusals are counted, never logged one by one, and a connection (or address) that keeps
 * being refused is closed.
 */
export class EventDoor {
  private readonly connections = new WeakMap<ParleySocket, ConnectionState>();
  private readonly refusals: CountedLog;

  constructor(
    private readonly services: Services,
    private readonly pipeline: EventPipeline,
  ) {
    this.refusals = new CountedLog(services.log, 'events refused', 'info');
  }

  /** Starts answering a new connection's events; a room-protocol client re-follows the rooms its handshake names. */
  connect(socket: ParleySocket, handshake: Handshake): void {
    // A handshake that names rooms to re-follow needs its state at once; others on first use.
    if (handshake.rooms !== undefined) {
      const { follows } = this.stateOf(socket);
      follows.restore(refollow(socket, follows, handshake.rooms, handshake.epochs, this.services.store, this.services.log));
    }
    // Every event gets an answer: one the server does not know is refused, so a client
    // with `retries` does not resend it until it gives up.
    socket.onAny((event: unknown, ...args: unknown[]) => this.enter(socket, event, args));
  }

  /** Stops the refusal reports (shutdown). */
  close(): void {
    this.refusals.close();
  }

  private enter(socket: ParleySocket, event: unknown, args: unknown[]): void {
    const arrivedAt = performance.now();
    const { payload, respond: answer } = splitArguments<unknown>(args);
    const name = typeof event === 'string' ? event : String(event);
    const spec = this.pipeline.spec(event);
    // A name Parley does not know is one label, whatever the client called it.
    const label = spec ? name : 'unknown';
    const respond = (result: Ack<unknown>): void => {
      ackSeconds.observe({ event: label }, (performance.now() - arrivedAt) / 1000);
      answer(result);
    };
    const state = this.stateOf(socket);
    if (!spec) return this.refuse(socket, state, name, fail(ErrorCode.UNKNOWN_EVENT, 'no such event'), respond);

    const eventPrice = typeof spec.price === 'function' ? spec.price(payload) : spec.price;
    const price = socket.data.user.kind === 'bot' ? botPrice(eventPrice) : eventPrice;
    const previous = state.paying;
    const charged = previous ? previous.then(() => this.charge(price, state)) : this.charge(price, state);
    if (charged === true) return void this.run(socket, state, name, spec, payload, respond);
    if (charged === false) return this.refuse(socket, state, name, RATE_LIMITED, respond);
    void charged.then(
      (paid) => (paid ? this.run(socket, state, name, spec, payload, respond) : this.refuse(socket, state, name, RATE_LIMITED, respond)),
      // The limits could not be read (their Redis is away): as if the handler had failed.
      (error: unknown) => this.answer(spec, failureAck(error, this.services.log, { event: name, socketId: socket.id }, this.pipeline.unavailable), respond),
    );
    // The next event's price waits for this one's, so events enter their handlers in the
    // order they arrived; the handlers themselves do not wait for each other.
    const paying = charged.then(noop, noop);
    state.paying = paying;
    void paying.then(() => {
      if (state.paying === paying) state.paying = undefined;
    });
  }

  private charge(price: readonly LimitName[], state: ConnectionState): boolean | Promise<boolean> {
    return this.services.prices.charge(price, state);
  }

  private async run(
    socket: ParleySocket,
    state: ConnectionState,
    event: string,
    spec: AnySpec,
    payload: readonly unknown[],
    respond: (result: Ack<unknown>) => void,
  ): Promise<void> {
    const raw = spec.arguments ? spec.arguments(payload) : payload[0];
    const dispatch = (inner: string, innerPayload: unknown): Promise<Ack<unknown>> => this.dispatch(socket, state, event, inner, innerPayload);
    const outcome = await this.pipeline.run(event, spec, raw, { connection: { socket, follows: state.follows, address: state.address, dispatch } });
    if ('refused' in outcome) return this.refuse(socket, state, event, outcome.refused, respond);
    if ('stale' in outcome) {
      // Not a refusal to count against the connection: every open page meets one per room after a restore.
      this.refusals.add(`${event} ${ErrorCode.EPOCH_CHANGED}`);
      return respond(outcome.stale);
    }
    const result = outcome.answered;
    if (!result.ok) this.refusals.add(`${event} ${result.error}`);
    this.answer(spec, result, respond);
  }

  /**
   * Runs `event` for this connection on behalf of the handler of `from` (a slash command):
   * its own price from the connection's limits, then the pipeline, as if the client had sent
   * it. Only one level deep: a dispatched call cannot dispatch again.
   */
  private async dispatch(socket: ParleySocket, state: ConnectionState, from: string, event: string, payload: unknown): Promise<Ack<unknown>> {
    const spec = this.pipeline.spec(event);
    if (!spec) return fail(ErrorCode.UNKNOWN_EVENT, 'no such event');
    const eventPrice = typeof spec.price === 'function' ? spec.price([payload]) : spec.price;
    const price = socket.data.user.kind === 'bot' ? botPrice(eventPrice) : eventPrice;
    try {
      if (!(await this.charge(price, state))) return RATE_LIMITED;
    } catch (error) {
      return failureAck(error, this.services.log, { event, socketId: socket.id }, this.pipeline.unavailable);
    }
    const refuseNesting = (): Promise<Ack<unknown>> => Promise.resolve(fail(ErrorCode.FORBIDDEN, `${from} cannot run ${event} again`));
    const outcome = await this.pipeline.run(event, spec, payload, { connection: { socket, follows: state.follows, address: state.address, dispatch: refuseNesting } });
    if ('answered' in outcome) return outcome.answered;
    const refusal = 'refused' in outcome ? outcome.refused : outcome.stale;
    if (!refusal.ok) this.refusals.add(`${event} (from ${from}) ${refusal.error}`);
    return refusal;
  }

  /** Answers a handler's result, unless the event is one the client retries when unanswered and the failure is the server's. */
  private answer(spec: AnySpec, result: Ack<unknown>, respond: (result: Ack<unknown>) => void): void {
    if (spec.silentWhenRetriable && !result.ok && (result.error === ErrorCode.UNAVAILABLE || result.error === ErrorCode.INTERNAL)) return;
    respond(result);
  }

  /**
   * Answers a refusal, counts it, and charges it: a connection refused too often is closed,
   * and one whose address was refused too often too (its address then opens no new session
   * until the window ends: see handshake-price.ts). A spent limit costs the server next to
   * nothing, so those have a budget of their own, much larger.
   */
  private refuse(socket: ParleySocket, state: ConnectionState, event: string, refusal: Ack<never>, respond: (result: Ack<unknown>) => void): void {
    respond(refusal);
    if (refusal.ok) return;
    this.refusals.add(`${event} ${refusal.error}`);
    refusalCount.inc({ event: this.pipeline.spec(event) ? event : 'unknown', code: refusal.error });
    const price: readonly LimitName[] = refusal.error === ErrorCode.RATE_LIMITED ? RATE_LIMITED_PRICE : REFUSAL_PRICE;
    const charged = this.services.prices.charge(price, state);
    if (charged === true) return;
    const close = (): void => {
      if (!socket.connected) return;
      this.refusals.add('(connection closed: too many refusals)');
      socket.disconnect(true);
    };
    if (charged === false) close();
    else void charged.then((paid) => paid || close(), close);
  }

  private stateOf(socket: ParleySocket): ConnectionState {
    let state = this.connections.get(socket);
    if (!state) {
      const { delivery, log, roomWire } = this.services;
      state = {
        follows: new Follows(socket, delivery, roomWire, log),
        buckets: new Map<LimitName, TokenBucket>(),
        get userId() {
          return socket.data.user.id;
        },
        address: addressOf(socket),
        paying: undefined,
      };
      this.connections.set(socket, state);
    }
    return state;
  }
}

/**
 * The handshake's re-follow: the rooms `auth.rooms` names that the user is a member of
 * ({ [roomId]: lastOffsetSeen }), each caught up from its offset. A room whose offset is
 * from another history epoch (`auth.epochs`) is not followed: its offset names other events
 * here, so the client is sent `room:reset` with the room as it is now, and joins again.
 */
async function refollow(
  socket: ParleySocket,
  follows: Follows,
  wanted: Handshake['rooms'] & {},
  epochs: Handshake['epochs'],
  store: Services['store'],
  log: Services['log'],
): Promise<void> {
  try {
    const userId = socket.data.user.id;
    const memberOf = new Set(await store.rooms.memberRoomIds(userId));
    const reset: number[] = [];
    for (const [roomId, after] of wanted) {
      if (!memberOf.has(roomId)) continue;
      const epoch = epochs.get(roomId);
      // Started, not awaited: isLive awaits each follow itself.
      if (epoch === undefined || epoch === store.historyEpoch) void follows.follow(roomId, after);
      else reset.push(roomId);
    }
    for (const roomId of reset) socket.emit('room:reset', await summaryOf(store, roomId, userId));
  } catch (error) {
    log.warn({ err: error, socketId: socket.id }, 'could not re-follow rooms; closing the connection so the client reconnects');
    // Closing the transport, not disconnect(): a client reconnects by itself only after a transport loss.
    socket.conn.close();
  }
}
