import type Database from 'better-sqlite3';
import type { SearchPage, SearchQuery } from '../search.js';
import { toMessage, type MessageRow } from './message-row.js';

type HitRow = MessageRow & { room_name: string; hit: number };

/** Each term as an FTS5 prefix query: the terms hold only letters and digits (searchTerms). */
const ftsMatch = (terms: readonly string[]): string => terms.map((term) => `"${term}"*`).join(' ');

/**
 * Full-text search on the SQLite store: the FTS5 table `message_search`, kept by triggers
 * on `messages` (migration 8), walked newest first (its rowid is minus the order of
 * storing) and stopped at the page's end, so a page costs about the same at a million
 * messages as at ten.
 */
export class SqliteSearch {
  private readonly page;

  constructor(db: Database.Database) {
    this.page = db.prepare<{ match: string; before: number; user: string; limit: number }, HitRow>(
      `SELECT m.room_id, m.seq, m.author, f.text AS content, m.created_at, m.kind, m.target, m.author_id, m.client_id,
              r.name AS room_name, s.id AS hit
         FROM message_search f
         JOIN search_rows s ON s.id = -f.rowid
         JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq
         JOIN rooms r ON r.id = s.room_id
        WHERE message_search MATCH @match AND f.rowid > -@before
          AND (r.kind = 'public' OR EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = r.id AND rm.user_id = @user))
        ORDER BY f.rowid
        LIMIT @limit`,
    );
  }

  search(query: SearchQuery): SearchPage {
    if (query.terms.length === 0) return { hits: [], next: null };
    const rows = this.page.all({ match: ftsMatch(query.terms), before: query.before ?? Number.MAX_SAFE_INTEGER, user: query.userId, limit: query.limit + 1 });
    const hits = rows.slice(0, query.limit);
    return {
      hits: hits.map((row) => ({ message: toMessage(row), roomName: row.room_name })),
      next: rows.length > query.limit ? (hits.at(-1)?.hit ?? null) : null,
    };
  }
}
