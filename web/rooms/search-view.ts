import type { SearchResults } from '../../src/shared/events.js';
import { readableText } from '../../src/shared/commands.js';
import { request, type ChatSocket } from '../shared/rpc.js';

export interface SearchElements {
  readonly form: HTMLFormElement;
  readonly query: HTMLInputElement;
  readonly results: HTMLUListElement;
  readonly more: HTMLButtonElement;
}

/** Hits asked for per page. */
const PAGE_SIZE = 20;
/** Requests one click may make to fill a page (each is a search the server prices). */
const AUTO_PAGES = 3;

/** The words of a query as the server reads them: runs of letters and digits. */
const wordsOf = (query: string): string[] => query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * `text` as nodes, with each start of a word that a searched word begins marked (<mark>).
 * Text nodes only: a message is never markup.
 */
export function highlighted(text: string, words: readonly string[]): Node[] {
  if (words.length === 0) return [document.createTextNode(text)];
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})`, 'giu');
  const nodes: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    if (at > last) nodes.push(document.createTextNode(text.slice(last, at)));
    const mark = document.createElement('mark');
    mark.textContent = match[0];
    nodes.push(mark);
    last = at + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/**
 * Message search in the sidebar (`search:messages`): results newest first, the words found
 * marked, 20 at a time ("More results"); a click opens the message in its room's history.
 */
export class SearchView {
  private next: number | null = null;
  private words: string[] = [];
  private query = '';

  constructor(
    private readonly socket: ChatSocket,
    private readonly elements: SearchElements,
    private readonly show: (roomId: number, offset: number, roomName: string, threadRoot?: number) => void,
  ) {
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search(elements.query.value.trim());
    });
    elements.query.addEventListener('search', () => {
      if (elements.query.value === '') void this.search('');
    });
    elements.more.addEventListener('click', () => void this.page());
  }

  /** Empties the box and the results: another identity may not see what the last one found. */
  clear(): void {
    this.elements.query.value = '';
    void this.search('');
  }

  private async search(query: string): Promise<void> {
    this.query = query;
    this.words = wordsOf(query);
    this.next = null;
    this.elements.results.replaceChildren();
    this.elements.more.hidden = true;
    if (query === '') return;
    await this.page();
  }

  /**
   * The next page of results. A page of the store reads a bounded span of the history (on
   * PostgreSQL), so a short one may have more after it: up to AUTO_PAGES requests fill one
   * page of the list before "More results" is left to the reader.
   */
  private async page(): Promise<void> {
    const query = this.query;
    this.elements.results.querySelector('.search-note.nothing-yet')?.remove();
    let found = 0;
    for (let asked = 0; asked < AUTO_PAGES; asked++) {
      const answer = await request(this.socket, 'search:messages', { query, limit: PAGE_SIZE, ...(this.next === null ? {} : { before: this.next }) });
      if (query !== this.query) return; // a newer search was started meanwhile
      if (!answer.ok) {
        this.elements.results.append(this.note(`Search failed: ${answer.message}`));
        return;
      }
      this.render(answer.data);
      found += answer.data.hits.length;
      if (found >= PAGE_SIZE || answer.data.next === null) break;
    }
    const { results, more } = this.elements;
    if (results.childElementCount > 0) return;
    const empty = this.note(more.hidden ? 'No messages found.' : 'None yet among the newest messages: "More results" searches older ones.');
    if (!more.hidden) empty.classList.add('nothing-yet');
    results.append(empty);
  }

  private render(results: SearchResults): void {
    const { results: list, more } = this.elements;
    for (const { event, roomName } of results.hits) {
      const item = document.createElement('li');
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'search-hit';
      open.dataset.roomId = String(event.roomId);
      open.dataset.offset = String(event.offset);
      const where = document.createElement('span');
      where.className = 'where';
      const room = roomName.startsWith('dm:') ? 'direct message' : `# ${roomName}`;
      where.textContent = `${room} · ${event.author.name} · ${new Date(event.createdAt).toLocaleString()}`;
      const text = document.createElement('span');
      text.className = 'hit-text';
      text.append(...highlighted(readableText(event.text, event.author.name), this.words));
      open.append(where, text);
      open.addEventListener('click', () => this.show(event.roomId, event.offset, roomName, event.target));
      item.append(open);
      list.append(item);
    }
    this.next = results.next;
    more.hidden = results.next === null;
  }

  private note(text: string): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'search-note';
    item.textContent = text;
    return item;
  }
}
