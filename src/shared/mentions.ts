/**
 * How a message names people: `@` and a name (letters, digits, `_ . -`, as names are made),
 * not glued to a word before it, so `me@example.com` mentions nobody. A name is matched in
 * any letter case. The server stores what this finds as mentions of the room's members;
 * the web client uses it to highlight them and count its own. No Node imports: the browser
 * build compiles this file too.
 */

/** The most names one message may mention; further ones are ordinary text. */
export const MAX_MENTIONS = 20;
/** Names are 2 to 32 characters (src/accounts/names.ts). */
const MIN_NAME = 2;
const MAX_NAME = 32;

const MENTION = /(?<![\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]+)/gu;
/** A sentence may end right after a name: "thanks @ana." mentions `ana`. */
const TRAILING = /[.-]+$/u;

/** One `@name` in a text: where it starts (at the `@`), how long it is, and the name. */
export interface MentionSpan {
  readonly index: number;
  readonly length: number;
  /** As written, without the `@`. */
  readonly name: string;
}

/** Every `@name` of `text`, in order (at most MAX_MENTIONS); a sentence's final dot is left out. */
export function mentionSpans(text: string): MentionSpan[] {
  const spans: MentionSpan[] = [];
  for (const match of text.matchAll(MENTION)) {
    const name = (match[1] ?? '').replace(TRAILING, '');
    if (name.length < MIN_NAME || name.length > MAX_NAME) continue;
    spans.push({ index: match.index, length: name.length + 1, name });
    if (spans.length === MAX_MENTIONS) break;
  }
  return spans;
}

/**
 * The names `text` mentions, in lower case, each once. A name that itself ends in `.` or
 * `-` is a candidate as written too, so it can still be mentioned.
 */
export function mentionedNames(text: string): string[] {
  const names = new Set<string>();
  for (const span of mentionSpans(text)) {
    names.add(span.name.toLowerCase());
    const whole = /^[\p{L}\p{N}_.-]+/u.exec(text.slice(span.index + 1))?.[0];
    if (whole && whole !== span.name && whole.length <= MAX_NAME) names.add(whole.toLowerCase());
  }
  return [...names];
}

/** Whether `text` mentions the person called `name`. */
export const mentions = (text: string, name: string): boolean => mentionedNames(text).includes(name.toLowerCase());
