import { MAX_LISTED_ROOMS } from '../rooms.js';
import { nextBefore, SEARCH_SPAN, type SearchPage, type SearchQuery, type SearchStore } from '../search.js';
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
 * The statement of one page: $1 the tsquery, the span [$3, $2) of the storing order, $4 the
 * caller, $5 the page size (plus one). Public messages come from their own partial GIN
 * index (`message_search_public`), the caller's direct rooms from `message_search_direct` by
 * room, so no row of a room the caller may not read is visited. Each set is MATERIALIZED
 * without an order: PostgreSQL would otherwise walk the primary key backwards for the
 * newest few and filter every row of the history when a word is rare or absent (323 ms at
 * 120,000 messages, measured). Only the page's rows are joined with their message.
 * Exported so that a test can check its plan.
 */
export const SEARCH_SQL = `WITH public_ids AS MATERIALIZED (
    SELECT id FROM message_search
     WHERE audience = 0 AND tsv @@ to_tsquery('simple', $1) AND id < $2 AND id >= $3),
  direct_ids AS MATERIALIZED (
    SELECT id FROM message_search
     WHERE audience <> 0
       AND audience = ANY (ARRAY(SELECT rm.room_id FROM room_members rm JOIN rooms dr ON dr.id = rm.room_id
                                  WHERE rm.user_id = $4 AND dr.kind = 'direct' ORDER BY rm.room_id DESC LIMIT ${MAX_LISTED_ROOMS}))
       AND tsv @@ to_tsquery('simple', $1) AND id < $2 AND id >= $3),
  page AS (SELECT id FROM public_ids UNION ALL SELECT id FROM direct_ids ORDER BY id DESC LIMIT $5)
  SELECT ${COLUMNS}, r.name AS room_name, s.id AS hit
    FROM page
    JOIN message_search s ON s.id = page.id
    JOIN messages m ON m.room_id = s.room_id AND m.seq = s.seq
    JOIN rooms r ON r.id = s.room_id
   ORDER BY s.id DESC`;

/**
 * Full-text search on the PostgreSQL store: `message_search`, kept by a statement trigger
 * on `messages` (migrations 9 and 14), tsvectors of 'simple' words (as written, lower case,
 * no stemming), newest first by id (the order of storing), public rooms and the caller's
 * own direct rooms read apart, one span of SEARCH_SPAN messages a page (SEARCH_SQL).
 */
export class PostgresSearch implements SearchStore {
  constructor(private readonly query: Query) {}

  async searchMessages(query: SearchQuery): Promise<SearchPage> {
    if (query.terms.length === 0) return { hits: [], next: null };
    let before = query.before;
    if (before === undefined) {
      const { rows } = await this.query<{ id: string | null }>('searchMessages', 'SELECT max(id) AS id FROM message_search', []);
      before = Number(rows[0]?.id ?? 0) + 1;
    }
    const floor = before - SEARCH_SPAN;
    const { rows } = await this.query<HitRow>('searchMessages', SEARCH_SQL, [tsQuery(query.terms), before, floor, query.userId, query.limit + 1]);
    const hits = rows.slice(0, query.limit);
    return {
      hits: hits.map((row) => ({ message: toMessage(row), roomName: row.room_name })),
      next: nextBefore(rows.length, query.limit, hits.at(-1) && Number(hits.at(-1)?.hit), floor),
    };
  }
}
