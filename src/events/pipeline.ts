import type { z } from 'zod';
import type { Actor } from '../moderation/moderation.js';
import { ErrorCode, fail, type Ack } from '../shared/errors.js';
import { checkAccess, checkBotAccess, checkHttpAccountAccess, checkOperatorAccess, confineBot, type AccessContext, type AccessResult, type ConnectionCaller } from './access.js';
import { failureAck, invalidPayloadAck } from './failures.js';
import type { Access, BotCall, ConnectionCall, Dispatch, EventSpec, HookCall, HttpAccountCall, HookCaller, RoleCall, Services, VisitorCall } from './kit.js';
import type { PublicUser } from '../shared/events.js';
import { eventTable } from './table.js';
import { UnavailableLog } from '../operations/unavailable-log.js';

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
  readonly bots?: true;
  readonly botHttp?: 'GET' | 'POST';
}

/**
 * Who calls: a connection (the Socket.IO doorway), the operator (the HTTP admin doorway), a
 * bot over its HTTP API (bot-doorway.ts), an incoming webhook (webhook-doorway.ts), or a
 * signed-in account over HTTP: uploading or fetching a file (file-doorway.ts), downloading
 * an export (export-doorway.ts); or a visitor signing in with single sign-on (sso-doorway.ts).
 */
export type Caller =
  | { readonly connection: ConnectionCaller & { readonly address: string; readonly dispatch: Dispatch } }
  | { readonly operator: Actor }
  | { readonly bot: PublicUser }
  | { readonly webhook: HookCaller }
  | { readonly httpAccount: HttpAccountCaller }
  | { readonly visitor: { readonly address: string } };

/** A signed-in account over the file or export doorway: who, and from where. */
export interface HttpAccountCaller {
  readonly user: PublicUser;
  readonly address: string;
}

/**
 * What became of a call: answered by its handler (a success or the handler's failure), or
 * refused before it (`refused`: a bad payload or access, which a doorway may charge for;
 * `stale`: a payload of another history epoch, which every open page meets once per room
 * after a restore and is no one's fault).
 */
export type Outcome = { readonly answered: Ack<unknown> } | { readonly refused: Ack<never> } | { readonly stale: Ack<never> };

/** The acknowledgement an outcome stands for, whichever way it went: what an HTTP doorway answers. */
export const ackOf = (outcome: Outcome): Ack<unknown> => ('answered' in outcome ? outcome.answered : 'refused' in outcome ? outcome.refused : outcome.stale);

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

  /** Every event of the bot's HTTP API, by the name after `bot:`, with its method. */
  botHttpEvents(): Map<string, { readonly event: string; readonly spec: AnySpec; readonly method: 'GET' | 'POST' }> {
    const open = new Map<string, { event: string; spec: AnySpec; method: 'GET' | 'POST' }>();
    for (const [event, spec] of Object.entries(this.table)) {
      if (spec.botHttp) open.set(event.replace(/^bot:/, ''), { event, spec, method: spec.botHttp });
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
      const access = await this.checkAccess(event, spec, input, caller);
      if ('refusal' in access) return { refused: access.refusal };
      if (access.actor) answer = await (spec.handle as RoleHandler)({ input, actor: access.actor, services });
      else if ('bot' in caller) answer = await (spec.handle as BotHandler)({ input, bot: caller.bot, room: access.room, services });
      else if ('webhook' in caller) answer = await (spec.handle as HookHandler)({ input, hook: caller.webhook, services });
      else if ('httpAccount' in caller) {
        const { user, address } = caller.httpAccount;
        answer = await (spec.handle as HttpAccountHandler)({ input, user, address, room: access.room, services });
      }
      else if ('visitor' in caller) answer = await (spec.handle as VisitorHandler)({ input, address: caller.visitor.address, services });
      else if ('connection' in caller) {
        const { socket, follows, address, dispatch } = caller.connection;
        answer = await (spec.handle as ConnectionHandler)({ input, socket, follows, room: access.room, address, services, dispatch });
      } else return { refused: fail(ErrorCode.FORBIDDEN, 'not open over HTTP') };
    } catch (error) {
      answer = failureAck(error, services.log, { event, ...contextOf(caller) }, this.unavailable);
    }
    if (answer.ok) this.unavailable.served();
    return { answered: answer };
  }

  /** A failure a doorway met around a call (a token lookup, the limits), mapped as a handler's would be (failures.ts). */
  failure(error: unknown, context: { readonly event: string }): Ack<never> {
    return failureAck(error, this.services.log, context, this.unavailable);
  }

  /** The access rule of `spec` for this caller (access.ts); a bot over Socket.IO is confined to its events and rooms first. */
  private async checkAccess(event: string, spec: AnySpec, input: unknown, caller: Caller): Promise<AccessResult> {
    if ('operator' in caller) return checkOperatorAccess(spec.access, caller.operator);
    if ('bot' in caller) return checkBotAccess(spec.access, input, caller.bot, this.accessContext);
    if ('webhook' in caller) return spec.access === 'webhook' ? { room: undefined } : { refusal: fail(ErrorCode.FORBIDDEN, 'not open to webhooks') };
    if ('visitor' in caller) return spec.access === 'visitor' ? { room: undefined } : { refusal: fail(ErrorCode.FORBIDDEN, 'not open to the sign-in pages') };
    if ('httpAccount' in caller) return checkHttpAccountAccess(spec.access, input, caller.httpAccount.user, this.accessContext);
    const { user } = caller.connection.socket.data;
    if (user.kind === 'bot') {
      const refusal = await confineBot(event, spec.bots === true, input, user, this.services.store);
      if (refusal) return { refusal };
    }
    return checkAccess(event, spec.access, input, caller.connection, this.accessContext);
  }
}

/** What a failure's log line names of its caller. */
function contextOf(caller: Caller): { readonly socketId?: string; readonly actor?: string } {
  if ('operator' in caller) return { actor: caller.operator.id };
  if ('bot' in caller) return { actor: caller.bot.id };
  if ('webhook' in caller) return { actor: `w:${caller.webhook.id}` };
  if ('httpAccount' in caller) return { actor: caller.httpAccount.user.id };
  if ('visitor' in caller) return { actor: `address ${caller.visitor.address}` };
  return { socketId: caller.connection.socket.id };
}

/** The shapes of handler the table holds (kit.ts, Call), as the pipeline calls them. */
type RoleHandler = (call: RoleCall<unknown>) => Promise<Ack<unknown>>;
type ConnectionHandler = (call: ConnectionCall<unknown>) => Promise<Ack<unknown>>;
type BotHandler = (call: BotCall<unknown>) => Promise<Ack<unknown>>;
type HookHandler = (call: HookCall<unknown>) => Promise<Ack<unknown>>;
type HttpAccountHandler = (call: HttpAccountCall<unknown>) => Promise<Ack<unknown>>;
type VisitorHandler = (call: VisitorCall<unknown>) => Promise<Ack<unknown>>;
