import { z } from 'zod';
import type { Call } from './call.js';
import { storableString } from './fields.js';
import type { RoomEvent } from './messages.js';

/** One page of `search:messages`. */
export interface SearchResults {
  /** Newest first: each message (kind 'message') with the text it has now. */
  readonly hits: readonly { readonly event: RoomEvent; readonly roomName: string }[];
  /** Send as `before` for the next page; null on the last page. */
  readonly next: number | null;
}

/** The most hits one page holds. */
const MAX_SEARCH_PAGE = 50;

export const searchMessagesSchema = z.object({
  query: storableString(1, 200),
  /** The previous page's `next`. */
  before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(MAX_SEARCH_PAGE).default(20),
});

/** The search call: its payload and answer. */
export interface SearchCalls {
  /**
   * Full-text search: messages as they read now containing every word of `query`, in public
   * rooms and the user's direct rooms, newest first.
   */
  'search:messages': Call<typeof searchMessagesSchema, SearchResults>;
}
