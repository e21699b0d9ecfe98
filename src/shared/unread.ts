/**
 * Unread counts are counted by the store in a bounded window of the room's latest events,
 * never over its whole history (a new guest in a room of 150,000 messages would otherwise
 * make every `room:list` and `room:join` count them all). The page shows a count at the
 * cap as "999+".
 */

/** The largest unread (and mention) count a room listing carries. */
export const UNREAD_CAP = 1000;

/**
 * How many of a room's latest events the store reads to count unread messages and
 * mentions: offsets are dense, so this bounds the index range read whatever the history.
 */
export const UNREAD_WINDOW = 2 * UNREAD_CAP;

/** A count as the page shows it: "999+" at the cap. */
export const unreadLabel = (count: number): string => (count >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(count));
