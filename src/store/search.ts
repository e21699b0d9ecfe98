/**
 * The search part of the storage seam: full-text search over the messages a user may read,
 * as they read now (an edit's text, never a deleted message). Both backends keep their
 * index in the transaction that stores each event, so a search never misses one that was
 * acknowledged, nor finds one deleted.
 */
import type { StoredMessage } from '../shared/message.js';

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
  /**
   * Pass as `before` for the next page; null on the last page. A page reads at most
   * SEARCH_SPAN messages back in the order of storing, so it may hold fewer hits than asked
   * (none, even) and still have a next page: the search goes on from where it stopped.
   */
  readonly next: number | null;
}

/**
 * How far back in the order of storing one page of a search reads on PostgreSQL: what
 * bounds its work whatever the history, the words and how they combine (its planner
 * otherwise filters the whole history newest first when a word is rare or absent). SQLite's
 * FTS5 stops at the page's end by itself and has no cheap range to bound it by (a rowid
 * range makes it read the whole of each word's list), so it pages by hits alone.
 */
export const SEARCH_SPAN = 20_000;

/**
 * Where a page that read the span [floor, before) goes on: after its last hit when it
 * found one more than asked, else below the span, unless nothing is older.
 */
export function nextBefore(found: number, limit: number, lastHit: number | undefined, floor: number): number | null {
  if (found > limit) return lastHit ?? null;
  return floor > 1 ? floor : null;
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
 * be spoken through a search. Only the first one-letter word is kept: each stands for
 * every word that starts with its letter, and several of them never found together made
 * the index walk a large share of its entries ("q x z j": 11 ms at 100,000 messages on
 * SQLite, measured), while one finds the newest of its many matches at once.
 */
export function searchTerms(text: string): string[] {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((term) => term.slice(0, MAX_TERM_LENGTH));
  const firstShort = words.findIndex((word) => [...word].length === 1);
  return words.filter((word, index) => index === firstShort || [...word].length > 1).slice(0, MAX_SEARCH_TERMS);
}
