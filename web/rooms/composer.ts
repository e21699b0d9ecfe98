import type { FileInfo } from '../../src/shared/protocol/files.js';
import type { TypingNotifier } from './typing.js';
import { UploadTray, type UploadElements } from './upload-tray.js';

/** What the message box says while empty (index.html's placeholder). */
const WRITE_PLACEHOLDER = 'Write a message';

/** The message box's elements. */
export interface ComposerElements {
  readonly form: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  /** Says that the box edits a message, with a Cancel button. */
  readonly editBanner: HTMLElement;
  readonly editCancel: HTMLButtonElement;
  /** Attaching files: the tray of uploads, the attach button and field, where files drop. */
  readonly uploads: Omit<UploadElements, 'input'>;
}

/**
 * The message box of the room on screen: sends new messages, or the new text of a message
 * being edited, and tells the typing notifier about keystrokes, sends and blurs.
 */
export class Composer {
  private editing: { readonly roomId: number; readonly target: number } | undefined;
  private readonly tray: UploadTray;

  constructor(
    private readonly elements: ComposerElements,
    private readonly typing: TypingNotifier,
    private readonly actions: {
      /** The room on screen, if any. */
      readonly roomId: () => number | undefined;
      readonly send: (roomId: number, text: string, files: readonly FileInfo[]) => void;
      readonly edit: (roomId: number, target: number, text: string) => void;
    },
  ) {
    const { form, input, editCancel } = elements;
    this.tray = new UploadTray({ ...elements.uploads, input }, () => (this.editing ? undefined : actions.roomId()));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    input.addEventListener('input', () => {
      const roomId = actions.roomId();
      if (roomId !== undefined && !this.editing) typing.input(roomId, input.value.trim().length > 0);
    });
    input.addEventListener('blur', () => typing.stop());
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.editing) this.cancelEdit();
    });
    editCancel.addEventListener('click', () => this.cancelEdit());
  }

  /** Puts `text` of the message at `target` into the box to be edited. */
  startEdit(roomId: number, target: number, text: string): void {
    this.typing.stop();
    this.editing = { roomId, target };
    this.elements.input.value = text;
    this.elements.editBanner.hidden = false;
    this.elements.input.focus();
    this.elements.input.select();
  }

  /**
   * Whether the room on screen takes messages: with a reason (a room read without joining
   * it), the box is disabled and says why. A box closed for good (web/page/refusal.ts) stays so.
   */
  readOnly(reason: string | undefined): void {
    const { form, input } = this.elements;
    if (input.dataset.closed === 'true') return;
    input.disabled = reason !== undefined;
    input.placeholder = reason ?? WRITE_PLACEHOLDER;
    for (const button of Array.from(form.querySelectorAll('button'))) button.disabled = reason !== undefined;
  }

  /** The room on screen changed: an edit of another room's message ends. */
  roomChanged(): void {
    this.typing.stop();
    if (this.editing && this.editing.roomId !== this.actions.roomId()) this.cancelEdit();
    // Files go to the room they were uploaded to: another room starts with none.
    this.tray.clear();
  }

  private submit(): void {
    const roomId = this.actions.roomId();
    const text = this.elements.input.value.trim();
    if (roomId === undefined || (!text && !this.tray.busy)) return;
    this.typing.stop();
    if (this.editing) {
      if (!text) return;
      this.actions.edit(this.editing.roomId, this.editing.target, text);
      this.cancelEdit();
    } else if (this.tray.busy) {
      // The message goes once its files are uploaded; the box is free for the next one at once.
      this.elements.input.value = '';
      void this.tray.settle().then((files) => {
        if (text || files.length > 0) this.actions.send(roomId, text, files);
      });
    } else {
      this.actions.send(roomId, text, []);
      this.elements.input.value = '';
    }
    this.elements.input.focus();
  }

  private cancelEdit(): void {
    this.editing = undefined;
    this.elements.editBanner.hidden = true;
    this.elements.input.value = '';
  }
}
