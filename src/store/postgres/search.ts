import { MAX_LISTED_ROOMS } from '../rooms.js';
import type { SearchPage, SearchQuery } from '../search.js';
import type { Query } from './accounts.js';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './append-batch.js';

type HitRow = MessageRow & { room_name: string; hit: string };

/** Each term as a prefix in a tsquery: the terms hold only letters and digits (searchTerms). */
const tsQuery = (terms: readonly string[]): string => terms.map((term) => `${term}:*`).join(' & ');

const COLUMNS = MESSAGE_COLUMNS.split(',')
  .map((column) => `m.${column.trim()}`)
  .join(', ')
  .replace('m.content', 's.text AS content');

/**
 * The statement of one page: $1 the tsquery, $2 `before`, $3 the caller, $4 the page size
 * (plus one). Public messages come from their own partial GIN index (`message_search_public`),
 * the caller's direct rooms from `message_search_direct` by room, so no row of a room the
 * caller may not read is ever visited; only the page's rows are joined with their message.
 * Exported so that a test can check its plan.
 */
export const SEARCH_SQL = `WITH hits AS (
    (SELECT id, room_id, seq, text FROM message_search
      WHERE audience = 0 AND tsv @@ to_tsquery('simple', $1) AND id < $2
      ORDER BY id DESC LIMIT $4)
    UNION ALL
    (SELECT id, room_id, seq, text FROM message_search
      WHERE audience <> 0
        AND audience = ANY (ARRAY(SELECT rm.room_id FROM room_members rm JOIN rooms dr ON dr.id = rm.room_id
                                   WHERE rm.user_id = $3 AND dr.kind = 'direct' ORDER BY rm.room_id DESC LIMIT ${MAX_LISTED_ROOMS}))
        AND tsv @@ to_tsquery('simple', $1) AND id < $2
      ORDER BY id DESC LIMIT $4))
  SELECT ${COLUMNS}, r.name AS room_name, s.id AS hit
    FROM hits s
    JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq
    JOIN rooms r ON r.id = s.room_id
   ORDER BY s.id DESC
   LIMIT $4`;

/**
 * Full-text search on the PostgreSQL store: `message_search`, kept by a statement trigger
 * on `messages` (migrations 9 and 14), tsvectors of 'simple' words (as written, lower case,
 * no stemming), newest first by id (the order of storing), public rooms and the caller's
 * own direct rooms read apart (SEARCH_SQL).
 */
export class PostgresSearch {
  constructor(private readonly query: Query) {}

  async search(query: SearchQuery): Promise<SearchPage> {
    if (query.terms.length === 0) return { hits: [], next: null };
    const { rows } = await this.query<HitRow>('searchMessages', SEARCH_SQL, [
      tsQuery(query.terms),
      query.before ?? Number.MAX_SAFE_INTEGER,
      query.userId,
      query.limit + 1,
    ]);
    const hits = rows.slice(0, query.limit);
    return {
      hits: hits.map((row) => ({ message: toMessage(row), roomName: row.room_name })),
      next: rows.length > query.limit ? Number(hits.at(-1)?.hit) : null,
    };
  }
}
