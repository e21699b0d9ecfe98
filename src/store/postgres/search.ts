import type { SearchPage, SearchQuery } from '../search.js';
import type { Query } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './append-batch.js';

type HitRow = MessageRow & { room_name: string; hit: string };

/** Each term as a prefix in a tsquery: the terms hold only letters and digits (searchTerms). */
const tsQuery = (terms: readonly string[]): string => terms.map((term) => `${term}:*`).join(' & ');

/**
 * Full-text search on the PostgreSQL store: `message_search`, kept by a statement trigger
 * on `messages` (migration 9), a GIN index on its tsvector ('simple': words as written,
 * lower case, no stemming), newest first by id (the order of storing).
 */
export class PostgresSearch {
  constructor(private readonly query: Query) {}

  async search(query: SearchQuery): Promise<SearchPage> {
    if (query.terms.length === 0) return { hits: [], next: null };
    const columns = MESSAGE_COLUMNS.split(',').map((column) => `m.${column.trim()}`).join(', ');
    const { rows } = await this.query<HitRow>(
      'searchMessages',
      `SELECT ${columns.replace('m.content', 's.text AS content')}, r.name AS room_name, s.id AS hit
         FROM message_search s
         JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq
         JOIN rooms r ON r.id = s.room_id
        WHERE s.tsv @@ to_tsquery('simple', $1) AND s.id < $2
          AND (r.kind = 'public' OR EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = r.id AND rm.user_id = $3))
        ORDER BY s.id DESC
        LIMIT $4`,
      [tsQuery(query.terms), query.before ?? Number.MAX_SAFE_INTEGER, query.userId, query.limit + 1],
    );
    const hits = rows.slice(0, query.limit);
    return {
      hits: hits.map((row) => ({ message: toMessage(row), roomName: row.room_name })),
      next: rows.length > query.limit ? Number(hits.at(-1)?.hit) : null,
    };
  }
}
