import type { DirectoryRoom, PublicUser } from '../../src/shared/events.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import type { HistoryLoader } from './history-loader.js';
import type { RoomRegistry } from './room-registry.js';
import type { RoomScreen } from './room-screen.js';

/** The elements the person acts through on rooms. */
export interface ActionElements {
  readonly createRoom: HTMLFormElement;
  readonly leave: HTMLButtonElement;
  /** Joins the public room on screen, read so far without joining it. */
  readonly join: HTMLButtonElement;
  /** The message box, focused once a room the person chose is on screen. */
  readonly input: HTMLTextAreaElement;
}

/**
 * What the person does to rooms: create one, join one found in the directory or by search,
 * open a direct conversation, leave the room on screen, remove a message as a moderator.
 * Each asks the server and, once it agrees, changes the registry and the screen; a refusal
 * is said on the alert line.
 */
export class RoomActions {
  constructor(
    private readonly socket: ChatSocket,
    private readonly registry: RoomRegistry,
    private readonly screen: RoomScreen,
    private readonly history: HistoryLoader,
    private readonly elements: ActionElements,
  ) {
    elements.createRoom.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.create(new FormData(elements.createRoom).get('name'));
    });
    elements.leave.addEventListener('click', () => void this.leave());
    elements.join.addEventListener('click', () => {
      if (registry.activeId !== undefined) void this.join(registry.activeId);
    });
  }

  /** Joins a public room this person is not a member of, and shows it. */
  async join(roomId: number, focus = true): Promise<void> {
    const room = this.registry.get(roomId);
    if (!room) return;
    await this.registry.follow(room);
    if (!room.progress) {
      this.screen.alert('Could not join the room.');
      return;
    }
    this.screen.open(roomId);
    if (focus) this.elements.input.focus();
  }

  /** Joins a room found in the directory, which the page may know nothing else of yet. */
  async joinListed(listed: DirectoryRoom): Promise<void> {
    if (!this.registry.has(listed.id)) {
      // Followed from the head the directory gave; the join's answer brings the rest.
      this.registry.upsert({ id: listed.id, name: listed.name, kind: 'public', head: listed.head, readOffset: 0, unread: 0, mentions: 0, member: false, epoch: listed.epoch });
    }
    await this.join(listed.id);
  }

  /**
   * Shows message `offset` of `roomId` (a search hit): opens the room, loads older history
   * until the message is there, scrolls to it and marks it. A public room this tab does not
   * follow is read without joining it (nobody is told "joined"): its history up to the
   * message, and a Join button should the person want to stay.
   */
  async showMessage(roomId: number, offset: number, roomName: string): Promise<void> {
    if (!this.registry.get(roomId)?.progress) {
      // Epoch unknown (''): the first history page is read at whatever epoch the room has.
      this.registry.preview({ id: roomId, name: roomName, kind: 'public', head: offset, readOffset: offset, unread: 0, mentions: 0, member: false, epoch: '' });
    }
    this.screen.open(roomId);
    if (!(await this.history.loadUntil(offset))) {
      this.screen.alert('That message is no longer there.');
      return;
    }
    await this.screen.reveal(roomId, offset);
  }

  async openDirect(user: PublicUser): Promise<void> {
    const answer = await request(this.socket, 'dm:open', { userId: user.id });
    if (!answer.ok) {
      this.screen.alert(`Could not open a conversation with ${user.name}: ${answer.message}`);
      return;
    }
    this.registry.upsert(answer.data);
    this.screen.open(answer.data.id);
    this.elements.input.focus();
  }

  /** A moderator removes a message of a public room, once confirmed. */
  async moderate(roomId: number, target: number): Promise<void> {
    if (!window.confirm('Remove this message for everyone?')) return;
    const answer = await request(this.socket, 'mod:delete', { roomId, target });
    if (!answer.ok) this.screen.alert(`Not removed: ${answer.message}`);
  }

  private async create(name: FormDataEntryValue | null): Promise<void> {
    const answer = await request(this.socket, 'room:create', { name: String(name ?? '').trim() });
    if (!answer.ok) {
      this.screen.alert(`Could not create the room: ${answer.message}`);
      return;
    }
    this.elements.createRoom.reset();
    this.registry.upsert(answer.data);
    this.screen.open(answer.data.id);
    this.elements.input.focus();
  }

  private async leave(): Promise<void> {
    const room = this.registry.active();
    if (!room) return;
    const answer = await request(this.socket, 'room:leave', { roomId: room.summary.id });
    if (answer.ok) this.registry.removed(room.summary.id);
    else this.screen.alert(`Could not leave: ${answer.message}`);
  }
}
