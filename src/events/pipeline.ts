import type { z } from 'zod';
import type { Actor } from '../moderation/moderation.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import { checkAccess, checkOperatorAccess, type AccessContext, type ConnectionCaller } from './access.js';
import { failureAck, invalidPayloadAck } from './failures.js';
import type { Access, ConnectionCall, EventSpec, RoleCall, Services } from './kit.js';
import { eventTable } from './table.js';
import { UnavailableLog } from './unavailable-log.js';

/** An event spec whose types the table erased: the pipeline only passes its values along. */
export interface AnySpec {
  readonly arguments?: (payload: readonly unknown[]) => unknown;
  readonly schema: z.ZodType;
  readonly price: EventSpec<z.ZodType, unknown>['price'];
  readonly access: Access<Record<string, unknown>>;
  /** Called with what its own schema parsed, in the shape its access gives (kit.ts, Call). */
  readonly handle: unknown;
  readonly silentWhenRetriable?: boolean;
  readonly http?: 'GET' | 'POST';
}

/** Who calls: a connection (the Socket.IO doorway), or the operator (the HTTP doorway). */
export type Caller = { readonly connection: ConnectionCaller & { readonly address: string } } | { readonly operator: Actor };

/**
 * What became of a call: answered by its handler (a success or the handler's failure), or
 * refused before it (`refused`: a bad payload or access, which a doorway may charge for;
 * `stale`: a payload of another history epoch, which every open page meets once per room
 * after a restore and is no one's fault).
 */
export type Outcome = { readonly answered: Ack<unknown> } | { readonly refused: Ack<never> } | { readonly stale: Ack<never> };

const EPOCH_CHANGED = fail(ErrorCode.EPOCH_CHANGED, "the room's history was replaced (a backup restored): reload the room");

/** Whether a parsed payload names a history epoch (its schema has `epoch`) other than the one in force. */
const presentsOtherEpoch = (input: unknown, epoch: string): boolean =>
  typeof input === 'object' && input !== null && 'epoch' in input && typeof input.epoch === 'string' && input.epoch !== epoch;

/**
 * The one way every call is run, whatever its transport: its payload parsed by its schema
 * (else INVALID_PAYLOAD), the history epoch it names compared with the store's (else
 * EPOCH_CHANGED), its access rule checked for the caller (kit.ts, Access), then its handler,
 * whose answer or failure (failures.ts, the one mapping) is the outcome. The price is paid
 * before, by the doorway: a socket orders its events' prices, HTTP has its own.
 */
export class EventPipeline {
  /** The table, its specs' types erased: each spec's handler gets what its own schema parsed. */
  private readonly table: Readonly<Record<string, AnySpec>>;
  /** Failures of what the server depends on, logged once per run of them, whichever doorway met them. */
  readonly unavailable: UnavailableLog;
  /** What the access rules read, made once: every event passes through here. */
  private readonly accessContext: AccessContext;

  constructor(readonly services: Services) {
    this.table = eventTable(services.config) as unknown as Readonly<Record<string, AnySpec>>;
    this.unavailable = new UnavailableLog(services.log);
    const { store, restrictions, moderation, generalRoom } = services;
    this.accessContext = { store, restrictions, moderation, generalRoomId: generalRoom.id };
  }

  /** The spec of `event`, if the table has one. */
  spec(event: unknown): AnySpec | undefined {
    return typeof event === 'string' && Object.hasOwn(this.table, event) ? this.table[event] : undefined;
  }

  /** Every event the operator may call over HTTP, by the name after `mod:`, with its method. */
  httpEvents(): Map<string, { readonly event: string; readonly spec: AnySpec; readonly method: 'GET' | 'POST' }> {
    const open = new Map<string, { event: string; spec: AnySpec; method: 'GET' | 'POST' }>();
    for (const [event, spec] of Object.entries(this.table)) {
      if (spec.http) open.set(event.replace(/^mod:/, ''), { event, spec, method: spec.http });
    }
    return open;
  }

  /** Runs `spec` (of `event`) on `raw`, the value its schema parses, for `caller`. */
  async run(event: string, spec: AnySpec, raw: unknown, caller: Caller): Promise<Outcome> {
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) return { refused: invalidPayloadAck(event, parsed.error.issues) };
    const input: unknown = parsed.data;
    const { services } = this;
    if (presentsOtherEpoch(input, services.store.historyEpoch)) return { stale: EPOCH_CHANGED };
    let answer: Ack<unknown>;
    try {
      const access =
        'operator' in caller
          ? checkOperatorAccess(spec.access, caller.operator)
          : await checkAccess(event, spec.access, input, caller.connection, this.accessContext);
      if ('refusal' in access) return { refused: access.refusal };
      if (access.actor) answer = await (spec.handle as RoleHandler)({ input, actor: access.actor, services });
      else if ('connection' in caller) {
        const { socket, follows, address } = caller.connection;
        answer = await (spec.handle as ConnectionHandler)({ input, socket, follows, room: access.room, address, services });
      } else return { refused: fail(ErrorCode.FORBIDDEN, 'not open over HTTP') };
    } catch (error) {
      const context = 'operator' in caller ? { event, actor: caller.operator.id } : { event, socketId: caller.connection.socket.id };
      answer = failureAck(error, services.log, context, this.unavailable);
    }
    if (answer.ok) this.unavailable.served();
    return { answered: answer };
  }
}

/** The two shapes of handler the table holds (kit.ts, Call), as the pipeline calls them. */
type RoleHandler = (call: RoleCall<unknown>) => Promise<Ack<unknown>>;
type ConnectionHandler = (call: ConnectionCall<unknown>) => Promise<Ack<unknown>>;
