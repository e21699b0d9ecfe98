import type { Account, AccountDraft, SessionDraft } from '../accounts.js';
import type { AuditDraft, Restriction, Role } from '../moderation.js';
import type { Member, RoomRecord } from '../rooms.js';
import { StoreUnavailableError, type AppendResult, type MessageDraft, type Store, type StoredMessage } from '../store.js';
import { SqliteStore } from './sqlite-store.js';
import type { WriteMethod } from '../writer/write-calls.js';
import { WriterClient, type WriteChannel } from '../writer/writer-client.js';

/**
 * A cluster worker's SQLite store: reads on its own connection, writes sent to the one
 * writer the primary runs (./sqlite-writer.ts). A write resolves after the writer
 * committed it, so a read that follows it on this connection sees it (WAL).
 */
export class SharedWriterSqliteStore extends SqliteStore {
  private readonly writer: WriterClient;
  private writerClosing: Promise<void> | undefined;

  constructor(
    file: string,
    private readonly channel: WriteChannel,
  ) {
    // Read-only, so that a write method missing from the overrides below fails loudly
    // instead of quietly taking the write lock beside the writer.
    super(file, { readOnly: true });
    this.writer = new WriterClient(channel);
  }

  /** Asks the writer itself: it alone takes the write lock. */
  override checkWritable(): Promise<void> {
    return this.write('checkWritable', []);
  }

  /** The writer's host tells every worker what the others stored (src/cluster/primary.ts). */
  watchAppends(listener: (messages: readonly StoredMessage[]) => void): () => void {
    return this.channel.onAppended(listener);
  }

  override appendMessage(draft: MessageDraft): Promise<AppendResult> {
    return this.write('appendMessage', [draft]);
  }

  override createAccount(draft: AccountDraft, now: number): Promise<Account> {
    return this.write('createAccount', [draft, now]);
  }

  override createSession(session: SessionDraft, now: number): Promise<void> {
    return this.write('createSession', [session, now]);
  }

  override redeemExchange(browserHash: string, now: number): Promise<boolean> {
    return this.write('redeemExchange', [browserHash, now]);
  }

  override deleteSession(tokenHash: string): Promise<void> {
    return this.write('deleteSession', [tokenHash]);
  }

  override updatePasswordHash(accountId: number, passwordHash: string): Promise<void> {
    return this.write('updatePasswordHash', [accountId, passwordHash]);
  }

  override sessionSecret(candidate: string): Promise<string> {
    return this.write('sessionSecret', [candidate]);
  }

  override claimGuestName(name: string, holder: string, expiresAt: number, now: number): Promise<boolean> {
    return this.write('claimGuestName', [name, holder, expiresAt, now]);
  }

  override renewGuestNames(holders: readonly string[], expiresAt: number, now: number): Promise<void> {
    return this.write('renewGuestNames', [holders, expiresAt, now]);
  }

  override releaseGuestName(holder: string, now: number, since: number): Promise<void> {
    return this.write('releaseGuestName', [holder, now, since]);
  }

  override createRoom(name: string, creator: Member): Promise<RoomRecord | undefined> {
    return this.write('createRoom', [name, creator]);
  }

  override openDirectRoom(opener: Member, other: Member): Promise<RoomRecord> {
    return this.write('openDirectRoom', [opener, other]);
  }

  override addMember(roomId: number, member: Member): Promise<boolean> {
    return this.write('addMember', [roomId, member]);
  }

  override removeMember(roomId: number, userId: string): Promise<boolean> {
    return this.write('removeMember', [roomId, userId]);
  }

  override markRead(roomId: number, userId: string, offset: number): Promise<number> {
    return this.write('markRead', [roomId, userId, offset]);
  }

  override setRole(accountId: number, role: Role, audit: AuditDraft): Promise<void> {
    return this.write('setRole', [accountId, role, audit]);
  }

  override restrict(restriction: Restriction, audit: AuditDraft): Promise<void> {
    return this.write('restrict', [restriction, audit]);
  }

  override lift(kind: Restriction['kind'], userId: string, roomId: number | null, audit: AuditDraft): Promise<boolean> {
    return this.write('lift', [kind, userId, roomId, audit]);
  }

  override recordAudit(audit: AuditDraft): Promise<void> {
    return this.write('recordAudit', [audit]);
  }

  override recordMentions(roomId: number, offset: number, names: readonly string[], authorId: string | null): Promise<string[]> {
    return this.write('recordMentions', [roomId, offset, names, authorId]);
  }

  override renameMember(userId: string, name: string): Promise<void> {
    return this.write('renameMember', [userId, name]);
  }

  /** Waits for the replies to every write sent, then closes the reading connection. */
  override close(): Promise<void> {
    this.writerClosing ??= this.writer.close().then(() => super.close());
    return this.writerClosing;
  }

  private write<M extends WriteMethod>(method: M, args: Parameters<Store[M]>): ReturnType<Store[M]> {
    if (this.writerClosing) return Promise.reject(new StoreUnavailableError('store is closing')) as ReturnType<Store[M]>;
    // The writer runs Store[method] itself, so its result has that method's type.
    return this.writer.call({ method, args }) as ReturnType<Store[M]>;
  }
}
