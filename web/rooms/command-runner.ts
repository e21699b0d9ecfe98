import { parseComposed } from '../../src/shared/commands.js';
import type { CommandOutcome } from '../../src/shared/events.js';
import type { FileInfo } from '../../src/shared/protocol/files.js';
import { newClientOffset } from '../shared/outbox-storage.js';
import { readableTimes } from '../shared/readable-times.js';
import { request, type ChatSocket } from '../shared/rpc.js';
import type { RoomState } from './room-state.js';

/** What the runner needs of the page. */
export interface CommandRunnerParts {
  /** Sends `text` and its files as an ordinary message (the writer: pending at once, delivered on acknowledgement). */
  readonly message: (roomId: number, text: string, files: readonly FileInfo[]) => void;
  /** Sends `text` as a reply in the thread of `root` (the writer, as for a message). */
  readonly reply: (roomId: number, root: number, text: string, alsoToRoom: boolean) => void;
  /** A message a command sent, acknowledged at `offset` (a reply of `root` when typed in its thread): shown as this tab's own. */
  readonly sent: (roomId: number, offset: number, text: string, root?: number) => void;
  readonly room: (roomId: number) => RoomState | undefined;
  /** Says a refusal that belongs to no message on screen. */
  readonly alert: (text: string) => void;
  /** Puts a refused command back in the box it was typed in (the thread's of `root`), unless something else was typed since, to be corrected. */
  readonly restore: (typed: string, root?: number) => void;
}

/**
 * What the message box sends: text as a message, a slash command to the server. The page
 * translates no command itself: it sends what was typed to `command:run`, and the server
 * parses it and runs the call it stands for (src/commands/), so the rights, prices and audit
 * of a command live in one place. `//text` is sent as the text `/text`. The answer is shown:
 * a message the command sent, in the log as this tab's own; an answer for this person alone,
 * marked "only you can see this"; a refusal, in the alert line, the command back in the box.
 * A thread's reply box sends through here too, with its root: a command runs in the thread
 * (`replyTo`: the server makes `/me` and `/shrug` replies there, the others act on the room).
 */
export class CommandRunner {
  constructor(
    private readonly socket: ChatSocket,
    private readonly parts: CommandRunnerParts,
  ) {}

  submit(roomId: number, typed: string, files: readonly FileInfo[] = []): void {
    const composed = parseComposed(typed);
    if (composed.kind === 'text') return this.parts.message(roomId, composed.text, files);
    // A command carries no files: rather than drop them unsaid, the whole is sent as text.
    if (files.length > 0) return this.parts.message(roomId, typed, files);
    void this.run(roomId, typed, composed.name);
  }

  /** What a thread's reply box sends: a reply, or a command run in the thread of `root` ("Also send to the room" is for replies). */
  submitReply(roomId: number, root: number, typed: string, alsoToRoom: boolean): void {
    const composed = parseComposed(typed);
    if (composed.kind === 'text') return this.parts.reply(roomId, root, composed.text, alsoToRoom);
    void this.run(roomId, typed, composed.name, root);
  }

  private async run(roomId: number, text: string, name: string, root?: number): Promise<void> {
    const epoch = this.parts.room(roomId)?.epoch;
    const where = { ...(root === undefined ? {} : { replyTo: root }), ...(epoch === undefined ? {} : { epoch }) };
    const answer = await request(this.socket, 'command:run', { roomId, text, clientId: newClientOffset(), ...where });
    if (!answer.ok) {
      this.parts.alert(`/${name}: ${readableTimes(answer.message)}`);
      this.parts.restore(text, root);
      return;
    }
    this.show(roomId, answer.data);
  }

  private show(roomId: number, outcome: CommandOutcome): void {
    // The server says where the message went: a reply in the thread, or (a registered command's answer) the room.
    if (outcome.kind === 'message') return this.parts.sent(roomId, outcome.serverOffset, outcome.text, outcome.threadRoot);
    const room = this.parts.room(roomId);
    if (!room) return;
    const text = outcome.kind === 'ephemeral' ? `/${outcome.command}: ${outcome.text}` : outcome.note;
    const item = room.timeline.list.addNotice(text, room.progress?.contiguous ?? room.summary.head);
    item.classList.add('ephemeral');
    const only = document.createElement('span');
    only.className = 'only-you';
    only.textContent = 'only you can see this';
    item.append(only);
  }
}
