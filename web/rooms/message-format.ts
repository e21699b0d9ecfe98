/**
 * A message's Markdown, as the log shows it: bold, italics, strikethrough, inline code, code
 * blocks, quotes, lists, line breaks and links. The text is read by marked's lexer (GFM, a
 * single newline is a line break, as people type in a chat) and its tokens are built into
 * DOM nodes here, so nothing a person writes ever becomes markup: raw HTML, images, headings,
 * tables and rules are shown as the text that was typed, and a link opens only when it is
 * http, https or mailto. The stored text stays what the person typed.
 */

import { Lexer, type Token, type Tokens } from 'marked';

/** How the plain runs of text between the formatting are drawn (mentions, for example). */
export type PlainText = (text: string) => Node[];

/** Links that may open from a message; anything else (javascript:, data:, file:) stays text. */
const SAFE_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

const lexer = (): Lexer => new Lexer({ gfm: true, breaks: true });

/** `text` as formatted nodes; `plain` draws the runs of ordinary text. */
export function formattedNodes(text: string, plain: PlainText): Node[] {
  return blocks(lexer().lex(text), plain);
}

function blocks(tokens: readonly Token[], plain: PlainText): Node[] {
  return tokens.flatMap((token) => block(token, plain));
}

function block(token: Token, plain: PlainText): Node[] {
  switch (token.type) {
    case 'space':
      return [];
    case 'paragraph':
      return [element('p', inline((token as Tokens.Paragraph).tokens, plain))];
    case 'text': {
      // A tight list item's text: inline tokens of its own.
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens, plain) : plain(text.text);
    }
    case 'code': {
      const code = element('code', [document.createTextNode((token as Tokens.Code).text)]);
      return [element('pre', [code])];
    }
    case 'blockquote':
      return [element('blockquote', blocks((token as Tokens.Blockquote).tokens, plain))];
    case 'list': {
      const list = token as Tokens.List;
      const shown = element(list.ordered ? 'ol' : 'ul', list.items.map((item) => element('li', blocks(item.tokens, plain))));
      if (list.ordered && typeof list.start === 'number' && list.start !== 1) shown.setAttribute('start', String(list.start));
      return [shown];
    }
    default:
      // Headings, tables, rules, raw HTML: the text as typed.
      return [element('p', plain(token.raw.replace(/\n+$/u, '')))];
  }
}

function inline(tokens: readonly Token[] | undefined, plain: PlainText): Node[] {
  return (tokens ?? []).flatMap((token) => span(token, plain));
}

function span(token: Token, plain: PlainText): Node[] {
  switch (token.type) {
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens, plain) : plain(text.text);
    }
    case 'escape':
      return plain((token as Tokens.Escape).text);
    case 'strong':
      return [element('strong', inline((token as Tokens.Strong).tokens, plain))];
    case 'em':
      return [element('em', inline((token as Tokens.Em).tokens, plain))];
    case 'del':
      return [element('del', inline((token as Tokens.Del).tokens, plain))];
    case 'codespan':
      return [element('code', [document.createTextNode((token as Tokens.Codespan).text)])];
    case 'br':
      return [document.createElement('br')];
    case 'link':
      return link(token as Tokens.Link, plain);
    default:
      // Images and inline HTML: the text as typed.
      return plain(token.raw);
  }
}

function link(token: Tokens.Link, plain: PlainText): Node[] {
  let url: URL;
  try {
    url = new URL(token.href);
  } catch {
    return plain(token.raw);
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return plain(token.raw);
  const anchor = element('a', inline(token.tokens, plain));
  anchor.setAttribute('href', url.href);
  anchor.setAttribute('rel', 'noopener noreferrer');
  anchor.setAttribute('target', '_blank');
  if (token.title) anchor.title = token.title;
  return [anchor];
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, children: readonly Node[]): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  created.append(...children);
  return created;
}
