import type { Logger } from '../log.js';
import type { Actor } from '../moderation/moderation.js';
import { hashSecret, newSessionToken } from '../secrets.js';
import { ErrorCode, fail, ok, type Ack } from '../shared/errors.js';
import type { PublicUser } from '../shared/events.js';
import type { BotView } from '../shared/protocol/integrations.js';
import { userRoom } from '../socket-rooms.js';
import { botUserId, type BotRecord } from '../store/integrations.js';
import type { Store } from '../store/store.js';
import type { ParleyServer } from '../types.js';

/**
 * What every bot token starts with, so that the handshake and the bot API tell it from a
 * session token without a second lookup (and a leaked one is recognisable in a scanner).
 */
export const BOT_TOKEN_PREFIX = 'pbot_';

/** The public face of a bot: its messages, memberships and presence carry it. */
export const botUser = (bot: BotRecord): PublicUser => ({ id: botUserId(bot.id), name: bot.name, kind: 'bot' });

const view = (bot: BotRecord): BotView => ({ ...bot, userId: botUserId(bot.id) });

/**
 * Bot accounts: made by an admin (a name, the public rooms it may read and post in), each
 * with a token shown once and stored as its SHA-256 (src/secrets.ts), revocable, listed;
 * each creation and revocation is in the audit log. A bot's rooms are its memberships, and
 * the pipeline confines it to them (src/events/access.ts, checkBotAccess and confineBot).
 */
export class Bots {
  constructor(
    private readonly options: {
      readonly io: ParleyServer;
      readonly store: Store;
      readonly log: Logger;
    },
  ) {}

  /** Creates a bot in `rooms` (public rooms only); the answer holds its token, the only time it is shown. */
  async create(actor: Actor, command: { readonly name: string; readonly rooms: readonly number[] }): Promise<Ack<{ bot: BotView; token: string }>> {
    const { store } = this.options;
    for (const roomId of command.rooms) {
      const room = await store.rooms.roomById(roomId);
      // A direct room is two people's: never a bot's, and never said to exist.
      if (room?.kind !== 'public') return fail(ErrorCode.UNKNOWN_ROOM, `no public room ${roomId}`);
    }
    const token = `${BOT_TOKEN_PREFIX}${newSessionToken()}`;
    const at = Date.now();
    const audit = { at, actor: actor.id, actorName: actor.name, action: 'bot-create', target: null, roomId: null, detail: `${command.name} (rooms ${command.rooms.join(', ')})` };
    const bot = await store.integrations.createBot({ name: command.name, tokenHash: hashSecret(token), rooms: command.rooms, createdAt: at, createdBy: actor.id }, audit);
    this.options.log.info({ botId: bot.id, by: actor.id }, 'bot created');
    return ok({ bot: view(bot), token });
  }

  /** Every bot, revoked ones included. */
  async list(): Promise<Ack<BotView[]>> {
    return ok((await this.options.store.integrations.bots()).map(view));
  }

  /**
   * Revokes a bot's token: refused from now on by the handshake and the bot API, its
   * memberships ended, and every connection it holds closed, on every server.
   */
  async revoke(actor: Actor, command: { readonly botId: number }): Promise<Ack<{ revoked: boolean }>> {
    const userId = botUserId(command.botId);
    const audit = { at: Date.now(), actor: actor.id, actorName: actor.name, action: 'bot-revoke', target: userId, roomId: null, detail: '' };
    const revoked = await this.options.store.integrations.revokeBot(command.botId, audit.at, audit);
    if (!revoked) return fail(ErrorCode.UNKNOWN_USER, 'no such bot, or revoked already');
    // After the store: a socket that reconnects at once finds its token refused.
    this.options.io.in(userRoom(userId)).disconnectSockets(true);
    return ok({ revoked });
  }

  /** The bot whose token this is, while unrevoked; undefined for any other string. */
  async byToken(token: string): Promise<PublicUser | undefined> {
    if (!token.startsWith(BOT_TOKEN_PREFIX)) return undefined;
    const bot = await this.options.store.integrations.botByToken(hashSecret(token));
    return bot && botUser(bot);
  }
}
