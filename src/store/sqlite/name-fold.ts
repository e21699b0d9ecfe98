/**
 * A member's name as mentions and completions compare it on SQLite: JavaScript's lower
 * case (SQLite's own `lower()` folds ASCII letters only). The store writes it beside each
 * name, in `room_members.name_fold` (migration 12), so the schema needs no function of ours.
 */
export const foldName = (name: string): string => name.toLowerCase();
