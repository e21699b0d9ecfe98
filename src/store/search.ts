/**
 * The search part of the storage seam: full-text search over the messages a user may read,
 * as they read now (an edit's text, never a deleted message). Both backends keep their
 * index in the transaction that stores each event, so a search never misses one that was
 * acknowledged, nor finds one deleted.
 */
import type { StoredMessage } from './stored-message.js';

/** One page of a search. */
export interface SearchQuery {
  /** Whose rooms: every public room, and the direct rooms this user is a member of. */
  readonly userId: string;
  /** The words to find, all of them, each as a word or the start of one (from searchTerms). */
  readonly terms: readonly string[];
  /** The previous page's `next`; absent: the newest first. */
  readonly before?: number;
  readonly limit: number;
}

/** A message found, with its current text and its room's name. */
export interface SearchHit {
  /** The message (kind 'message', its own offset and time) with the text it has now. */
  readonly message: StoredMessage;
  readonly roomName: string;
}

export interface SearchPage {
  /** Newest first. */
  readonly hits: readonly SearchHit[];
  /** Pass as `before` for the next page; null on the last page. */
  readonly next: number | null;
}

export interface SearchStore {
  /** Messages containing every term, newest first (see SearchQuery); no terms finds nothing. */
  searchMessages(query: SearchQuery): Promise<SearchPage>;
}

/** The most words one search may name. */
export const MAX_SEARCH_TERMS = 8;
/** The longest word a search looks for (longer ones are cut: still a prefix of the word). */
const MAX_TERM_LENGTH = 64;

/**
 * The words of a search as both backends index them: runs of letters and digits, in lower
 * case, at most MAX_SEARCH_TERMS. Nothing else survives, so no backend's query syntax can
 * be spoken through a search.
 */
export function searchTerms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_SEARCH_TERMS).map((term) => term.slice(0, MAX_TERM_LENGTH));
}
