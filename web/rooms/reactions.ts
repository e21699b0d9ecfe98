import type { PublicUser, RoomEvent } from '../../src/shared/events.js';

/** The emoji the picker offers; any other arrives from other clients and is shown the same. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '👀'] as const;

interface Vote {
  /** The offset of the user's latest react/unreact of this emoji on this message: the latest wins. */
  readonly offset: number;
  readonly on: boolean;
  readonly user: PublicUser;
}

/**
 * The reactions of one room's messages, derived from its `react` / `unreact` events: for
 * each message, emoji and user, the event with the highest offset decides, so events
 * applied in any order (live, replayed, or loaded page by page) converge.
 */
export class Reactions {
  /** target offset -> emoji -> user id -> the deciding vote. */
  private readonly votes = new Map<number, Map<string, Map<string, Vote>>>();

  /** Applies one `react` or `unreact` event; true when it changed what is shown. */
  apply(event: RoomEvent): boolean {
    if (event.target === undefined || (event.kind !== 'react' && event.kind !== 'unreact')) return false;
    const byEmoji = this.votes.get(event.target) ?? new Map<string, Map<string, Vote>>();
    this.votes.set(event.target, byEmoji);
    const byUser = byEmoji.get(event.text) ?? new Map<string, Vote>();
    byEmoji.set(event.text, byUser);
    const previous = byUser.get(event.author.id);
    if (previous && previous.offset >= event.offset) return false;
    byUser.set(event.author.id, { offset: event.offset, on: event.kind === 'react', user: event.author });
    return true;
  }

  /** Each emoji on a message with the users who reacted with it, in the order first seen. */
  of(target: number): { emoji: string; users: PublicUser[] }[] {
    return [...(this.votes.get(target) ?? new Map<string, Map<string, Vote>>())]
      .map(([emoji, byUser]) => ({ emoji, users: [...byUser.values()].filter((vote) => vote.on).map((vote) => vote.user) }))
      .filter((entry) => entry.users.length > 0);
  }

  /**
   * The reactions bar under a message: one button per emoji with its count (pressed when
   * `me` reacted; its title says who); undefined when nobody reacted, so a message without
   * reactions takes no line for them. Built with textContent only: an emoji from another
   * client is never markup.
   */
  bar(target: number, me: PublicUser | undefined, react: (emoji: string, on: boolean) => void): HTMLElement | undefined {
    if (this.of(target).length === 0) return undefined;
    const bar = document.createElement('div');
    bar.className = 'reactions';
    for (const { emoji, users } of this.of(target)) {
      const mine = users.some((user) => user.id === me?.id);
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'reaction';
      button.textContent = `${emoji} ${users.length}`;
      button.title = users.map((user) => user.name).join(', ');
      button.setAttribute('aria-pressed', String(mine));
      button.setAttribute('aria-label', `${emoji} ${users.length}: ${button.title}${mine ? ' (you)' : ''}`);
      button.addEventListener('click', () => react(emoji, !mine));
      bar.append(button);
    }
    return bar;
  }

  /** The button that opens the quick picker, for the message's toolbar. */
  picker(target: number, me: PublicUser, react: (emoji: string, on: boolean) => void): HTMLElement {
    const details = document.createElement('details');
    details.className = 'react-picker';
    const summary = document.createElement('summary');
    summary.textContent = '☺+';
    summary.setAttribute('aria-label', 'Add a reaction');
    details.append(summary);
    const mine = new Set(this.of(target).filter((entry) => entry.users.some((user) => user.id === me.id)).map((entry) => entry.emoji));
    for (const emoji of QUICK_REACTIONS) {
      const choice = document.createElement('button');
      choice.type = 'button';
      choice.textContent = emoji;
      choice.setAttribute('aria-label', `React with ${emoji}`);
      choice.addEventListener('click', () => {
        details.open = false;
        react(emoji, !mine.has(emoji));
      });
      details.append(choice);
    }
    return details;
  }
}
