import type { RoomEvent } from '../../src/shared/events.js';
import { readableText } from '../../src/shared/commands.js';
import type { Lifetime } from '../shared/lifetime.js';

/** What the page says about a message that asks for this person's attention. */
export interface Callout {
  readonly event: RoomEvent;
  /** Where it was said: `# room` or the other person's name. */
  readonly place: string;
  /** It names this person (`@name`); otherwise it is a direct message. */
  readonly mention: boolean;
}

/**
 * Gets the attention of a person whose tab is hidden when someone mentions them or writes
 * to them directly: the tab's title counts those messages until the tab is looked at again,
 * and, with their permission, the browser shows a notification; clicking it brings the tab
 * and the room back. Tabs of one person share each notification's tag, so the system
 * shows one, however many tabs got the message.
 */
export class Attention {
  private readonly baseTitle = document.title;
  private waiting = 0;

  constructor(
    lifetime: Lifetime,
    /** Offers to turn notifications on; hidden once the browser has the person's answer. */
    private readonly enable: HTMLButtonElement,
    private readonly open: (roomId: number) => void,
  ) {
    this.showEnable();
    enable.addEventListener('click', () => {
      void Notification.requestPermission().then(() => this.showEnable());
    });
    lifetime.listen(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') this.clear();
    });
  }

  /** A message that mentions this person or is written to them, applied for the first time. */
  called(callout: Callout): void {
    if (document.visibilityState === 'visible') return;
    this.waiting += 1;
    document.title = `(${this.waiting}) ${this.baseTitle}`;
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const { event, place } = callout;
    const title = callout.mention ? `${event.author.name} mentioned you in ${place}` : `${event.author.name} wrote to you`;
    const notification = new Notification(title, { body: readableText(event.text, event.author.name).slice(0, 200), tag: `parley:${event.roomId}:${event.offset}` });
    notification.addEventListener('click', () => {
      window.focus();
      this.open(event.roomId);
      notification.close();
    });
  }

  private clear(): void {
    this.waiting = 0;
    document.title = this.baseTitle;
  }

  private showEnable(): void {
    this.enable.hidden = !('Notification' in window) || Notification.permission !== 'default';
  }
}
