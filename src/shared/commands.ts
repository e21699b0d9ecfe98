/**
 * Slash commands as people type them: which text is a command, its name and its arguments,
 * and the built-in commands with their usage. The server parses with it (`command:run`,
 * src/events/commands/command-run.ts) and the web page offers completions from it, so both
 * read a command the same way. No Node imports: the browser build compiles this file too.
 */

/** One command as the composer offers it. */
export interface CommandHelp {
  /** The trigger word, without the slash. */
  readonly name: string;
  /** What follows the name, e.g. `@name [minutes]`; '' when it takes nothing. */
  readonly usage: string;
  readonly description: string;
  /** A registered command (an admin's, answered by its URL) rather than a built-in one. */
  readonly registered?: boolean;
}

/** The built-in commands, in the order the composer lists them. */
export const BUILT_IN_COMMANDS: readonly CommandHelp[] = [
  { name: 'me', usage: '<action>', description: 'say what you do: "* alice waves"' },
  { name: 'shrug', usage: '[text]', description: 'send text with ¯\\_(ツ)_/¯' },
  { name: 'topic', usage: '<text>', description: "set the room's topic" },
  { name: 'invite', usage: '@name', description: 'invite someone to this room' },
  { name: 'leave', usage: '', description: 'leave this room' },
  { name: 'mute', usage: '@name [minutes]', description: 'moderators: mute someone in this room' },
  { name: 'kick', usage: '@name', description: 'moderators: disconnect someone' },
  { name: 'ban', usage: '@name [reason]', description: 'admins: ban someone' },
];

/** What a composer's text is: plain text to send, or a command to run. */
export type ComposedText = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'command'; readonly name: string; readonly args: string };

/** A trigger word: a letter, then letters, digits, `_` or `-` (at most 32). */
export const COMMAND_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Reads what was typed: `/name args` is a command (its name folded to lower case, its
 * arguments trimmed); `//text` is the text `/text` (the way to send a line starting with a
 * slash); anything else is text as typed.
 */
export function parseComposed(typed: string): ComposedText {
  if (typed.startsWith('//')) return { kind: 'text', text: typed.slice(1) };
  if (!typed.startsWith('/')) return { kind: 'text', text: typed };
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(typed);
  return { kind: 'command', name: (match?.[1] ?? '').toLowerCase(), args: (match?.[2] ?? '').trim() };
}

/** Splits `@name rest` (the `@` optional) into the name and the rest; undefined without a name. */
export function splitTarget(args: string): { readonly name: string; readonly rest: string } | undefined {
  const match = /^@?([\p{L}\p{N}_.-]+)\s*([\s\S]*)$/u.exec(args);
  if (!match?.[1]) return undefined;
  return { name: match[1], rest: (match[2] ?? '').trim() };
}

/**
 * An action message (`/me waves`) is stored as an ordinary message whose text is wrapped the
 * way IRC wraps its CTCP ACTION: `\u0001ACTION waves\u0001`. No one types a U+0001, so it
 * cannot be confused with a message that starts with "/me" (sent as `//me`), and every
 * reader of messages (search, webhooks, the tutorial page) still has the words.
 */
const ACTION_START = '\u0001ACTION ';
const ACTION_END = '\u0001';

/** The stored text of the action `action`. */
export const actionText = (action: string): string => `${ACTION_START}${action}${ACTION_END}`;

/** The action of a stored text, or undefined when it is not an action message. */
export function actionOf(text: string): string | undefined {
  if (!text.startsWith(ACTION_START) || !text.endsWith(ACTION_END) || text.length < ACTION_START.length + ACTION_END.length) return undefined;
  return text.slice(ACTION_START.length, text.length - ACTION_END.length);
}

/** A message's text as plain words: an action message reads "* alice waves", any other is its text. */
export function readableText(text: string, author: string): string {
  const action = actionOf(text);
  return action === undefined ? text : `* ${author} ${action}`;
}

/**
 * What `/shrug` appends, in Markdown (as the page renders messages): the backslash and the
 * underscores escaped, so it shows as ¯\_(ツ)_/¯ instead of losing its arm to an escape.
 */
export const SHRUG = '¯\\\\\\_(ツ)\\_/¯';
