import type { PublicUser } from '../../src/shared/events.js';
import type { Lifetime } from '../shared/lifetime.js';
import type { RoomDirectoryView } from './room-directory-view.js';
import type { RoomListView } from './room-list-view.js';
import type { RoomRegistry } from './room-registry.js';

/** Redraws the sidebar's room lists and the directory from the registry, once per frame however many events arrive in it. */
export class RoomSidebar {
  private frame: number | undefined;

  constructor(
    lifetime: Lifetime,
    private readonly registry: RoomRegistry,
    private readonly view: RoomListView,
    private readonly directory: RoomDirectoryView,
    private readonly me: () => PublicUser | undefined,
  ) {
    lifetime.add(() => {
      if (this.frame !== undefined) cancelAnimationFrame(this.frame);
      this.frame = undefined;
    });
  }

  render(): void {
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      const { activeId } = this.registry;
      // The room being read shows no badge: its marker follows within moments, and a
      // count that appears and goes again is only a flash.
      const reading = (roomId: number): boolean => roomId === activeId && document.visibilityState === 'visible';
      const entries = this.registry.all().map((room) => ({
        id: room.summary.id,
        label: room.label(this.me()),
        kind: room.summary.kind,
        member: room.summary.member && room.progress !== undefined,
        unread: reading(room.summary.id) ? 0 : room.unread,
        mentions: reading(room.summary.id) ? 0 : room.mentions,
      }));
      this.view.render(entries, activeId);
      this.directory.render();
    });
  }
}
