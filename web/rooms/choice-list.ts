import type { Lifetime } from '../shared/lifetime.js';

/** How a completion shows and takes its choices; the list does the rest. */
export interface ChoiceListParts<T> {
  /** Fills one option (an `li` already given its role, index and selection) with `choice`. */
  readonly draw: (choice: T, option: HTMLLIElement) => void;
  /** The person took `choice`: put it in the box. The list is closed after. */
  readonly take: (choice: T) => void;
}

/**
 * The list under a text box that a completion offers (`@name`, `/command`): arrow keys or
 * the pointer to choose, Enter or Tab to take one, Escape to close, the box's ARIA combobox
 * attributes kept true. One box may have several lists (the room's composer has both): each
 * names itself as the box's `aria-controls` while open and gives the name back on close.
 * Its listeners come before the box's own (the composer's, the thread panel's), so Enter
 * takes a choice rather than sending: make the list before the part that sends.
 */
export class ChoiceList<T> {
  private choices: readonly T[] = [];
  private selected = 0;
  /** The list the box named as its own before this one opened: named again on close. */
  private controlled: string | null = null;

  constructor(
    lifetime: Lifetime,
    private readonly input: HTMLTextAreaElement,
    private readonly list: HTMLUListElement,
    private readonly parts: ChoiceListParts<T>,
  ) {
    input.setAttribute('aria-autocomplete', 'list');
    if (!input.hasAttribute('aria-controls')) input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-expanded', 'false');
    lifetime.listen(input, 'blur', () => this.close());
    lifetime.listen(input, 'keydown', (event) => this.key(event));
    // Chosen on mousedown, before the box loses focus (and closes the list).
    lifetime.listen(list, 'mousedown', (event) => {
      const option = event.target instanceof Element ? event.target.closest<HTMLElement>('[role="option"]') : null;
      if (!option) return;
      event.preventDefault();
      this.take(Number(option.dataset.index));
    });
  }

  /** Whether the list is showing (the box's own keys wait then). */
  get open(): boolean {
    return !this.list.hidden;
  }

  /** Shows `choices`, the first one selected; none: closes. */
  show(choices: readonly T[]): void {
    if (choices.length === 0) return this.close();
    this.choices = choices;
    this.selected = 0;
    this.render();
  }

  close(): void {
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    if (this.controlled !== null) this.input.setAttribute('aria-controls', this.controlled);
  }

  private key(event: KeyboardEvent): void {
    if (!this.open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.selected = (this.selected + step + this.choices.length) % this.choices.length;
      this.render();
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      event.stopImmediatePropagation();
      this.take(this.selected);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopImmediatePropagation();
      this.close();
    }
  }

  private take(index: number): void {
    const choice = this.choices[index];
    if (choice === undefined) return;
    this.parts.take(choice);
    this.close();
    this.input.focus();
  }

  private optionId(index: number): string {
    return `${this.list.id}-option-${index}`;
  }

  private render(): void {
    const options = this.choices.map((choice, index) => {
      const option = document.createElement('li');
      option.id = this.optionId(index);
      option.setAttribute('role', 'option');
      option.dataset.index = String(index);
      option.setAttribute('aria-selected', String(index === this.selected));
      this.parts.draw(choice, option);
      return option;
    });
    this.list.replaceChildren(...options);
    if (this.list.hidden) this.controlled = this.input.getAttribute('aria-controls');
    this.list.hidden = false;
    this.input.setAttribute('aria-controls', this.list.id);
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', this.optionId(this.selected));
  }
}
