import type Database from 'better-sqlite3';
import { MAX_LISTED_ROOMS } from '../rooms.js';
import type { SearchPage, SearchQuery, SearchStore } from '../search.js';
import type { Guard } from './accounts.js';
import { toMessage, type MessageRow } from './message-row.js';

type HitRow = MessageRow & { room_name: string; hit: number };

/** Each term as an FTS5 prefix query: the terms hold only letters and digits (searchTerms). */
const ftsTerms = (terms: readonly string[]): string => terms.map((term) => `"${term}"*`).join(' ');

/** Hits of index `f` stored before @before, newest first, joined with `search_rows`, `messages` and `rooms`. */
const hitSql = (index: string): string => `SELECT m.room_id, m.seq, m.author, f.text AS content, m.created_at, m.kind, m.target, m.author_id, m.client_id, m.attachments,
       r.name AS room_name, s.id AS hit
  FROM ${index} f
  JOIN search_rows s ON s.id = -f.rowid
  JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq
  JOIN rooms r ON r.id = s.room_id
 WHERE ${index} MATCH @match AND f.rowid > -@before
 ORDER BY f.rowid
 LIMIT @limit`;

/** The statement of one page of public rooms' hits; exported so that a test can check its plan. */
export const PUBLIC_SEARCH_SQL = hitSql('message_search');
/** The statement of one page of hits in the direct rooms @match names; exported for the same reason. */
export const DIRECT_SEARCH_SQL = hitSql('direct_search');

interface PageParameters {
  match: string;
  before: number;
  limit: number;
}

/**
 * Full-text search on the SQLite store, in two FTS5 indexes kept by triggers on `messages`
 * (migrations 8 and 12): `message_search` holds public rooms' messages, which anyone may
 * read, and `direct_search` direct rooms' messages, each with its room as a token. A search
 * reads the first, and the second only for the caller's own direct rooms, so a word that
 * appears only in other people's conversations costs nothing to look for. Both are walked
 * newest first (rowid is minus the order of storing) and stopped at the page's end, so
 * every row joined is one the page may return.
 */
export class SqliteSearch implements SearchStore {
  private readonly publicPage;
  private readonly directPage;
  private readonly directRooms;

  constructor(
    db: Database.Database,
    private readonly guard: Guard,
  ) {
    this.publicPage = db.prepare<PageParameters, HitRow>(PUBLIC_SEARCH_SQL);
    this.directPage = db.prepare<PageParameters, HitRow>(DIRECT_SEARCH_SQL);
    // The newest of the caller's direct rooms, as many as a room list shows.
    this.directRooms = db.prepare<{ user: string; cap: number }, { room_id: number }>(
      `SELECT m.room_id FROM room_members m JOIN rooms r ON r.id = m.room_id
        WHERE m.user_id = @user AND r.kind = 'direct'
        ORDER BY m.room_id DESC LIMIT @cap`,
    );
  }

  async searchMessages(query: SearchQuery): Promise<SearchPage> {
    return this.guard(() => this.page(query));
  }

  private page(query: SearchQuery): SearchPage {
    if (query.terms.length === 0) return { hits: [], next: null };
    const terms = ftsTerms(query.terms);
    const page = { before: query.before ?? Number.MAX_SAFE_INTEGER, limit: query.limit + 1 };
    const rows = this.publicPage.all({ match: terms, ...page });
    const rooms = this.directRooms.all({ user: query.userId, cap: MAX_LISTED_ROOMS }).map((row) => `r${row.room_id}`);
    if (rooms.length > 0) {
      rows.push(...this.directPage.all({ match: `{room} : (${rooms.join(' OR ')}) AND {text} : (${terms})`, ...page }));
      rows.sort((a, b) => b.hit - a.hit);
    }
    const hits = rows.slice(0, query.limit);
    return {
      hits: hits.map((row) => ({ message: toMessage(row), roomName: row.room_name })),
      next: rows.length > query.limit ? (hits.at(-1)?.hit ?? null) : null,
    };
  }
}
