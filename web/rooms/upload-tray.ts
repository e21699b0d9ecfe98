import type { FileInfo } from '../../src/shared/protocol/files.js';
import { fileSize } from './attachment-view.js';
import { uploadFile, type UploadOutcome } from './upload-request.js';

/** The most files one message carries (the server's MAX_ATTACHMENTS). */
const MAX_FILES = 10;

/** The tray's elements: the list of files under way, the attach button and its file field, and where files may be dropped. */
export interface UploadElements {
  readonly tray: HTMLUListElement;
  readonly attach: HTMLButtonElement;
  readonly picker: HTMLInputElement;
  readonly dropZone: HTMLElement;
  /** Pasting files into the message box attaches them. */
  readonly input: HTMLTextAreaElement;
}

interface Upload {
  readonly item: HTMLLIElement;
  readonly done: Promise<UploadOutcome>;
  readonly abort: () => void;
}

/**
 * The files a person attaches to the message being written: by the button, by dropping them
 * on the room or by pasting them into the box, several at once. Each uploads at once, with
 * a progress bar; a refusal stays in the tray with its reason until removed. The message is
 * sent with the files that uploaded (`settle`).
 */
export class UploadTray {
  private uploads: Upload[] = [];

  constructor(
    private readonly elements: UploadElements,
    /** The room on screen, which the files are uploaded to; none: nothing is attached. */
    private readonly roomId: () => number | undefined,
  ) {
    const { attach, picker, dropZone, input } = elements;
    attach.addEventListener('click', () => picker.click());
    picker.addEventListener('change', () => {
      this.add(Array.from(picker.files ?? []));
      picker.value = '';
    });
    dropZone.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files') || attach.disabled) return;
      event.preventDefault();
      dropZone.dataset.dropping = 'true';
    });
    dropZone.addEventListener('dragleave', () => delete dropZone.dataset.dropping);
    dropZone.addEventListener('drop', (event) => {
      delete dropZone.dataset.dropping;
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0 || attach.disabled) return;
      event.preventDefault();
      this.add(files);
    });
    input.addEventListener('paste', (event) => {
      const files = Array.from(event.clipboardData?.files ?? []);
      if (files.length === 0 || attach.disabled) return;
      event.preventDefault();
      this.add(files);
    });
  }

  /** Whether any file is in the tray (under way, uploaded or refused). */
  get busy(): boolean {
    return this.uploads.length > 0;
  }

  /** Uploads `files` to the room on screen, each with its row and progress bar. */
  add(files: readonly File[]): void {
    const roomId = this.roomId();
    if (roomId === undefined) return;
    for (const file of files) {
      if (this.uploads.length >= MAX_FILES) {
        this.row(file).dataset.state = 'failed';
        continue;
      }
      const item = this.row(file);
      const bar = item.querySelector('progress');
      const status = item.querySelector<HTMLElement>('.upload-status');
      const { done, abort } = uploadFile(roomId, file, (share) => {
        if (bar) bar.value = share;
      });
      const upload: Upload = { item, done, abort };
      this.uploads.push(upload);
      void done.then((outcome) => {
        item.dataset.state = outcome.ok ? 'done' : 'failed';
        if (status) status.textContent = outcome.ok ? 'ready' : `Not uploaded: ${outcome.reason}`;
      });
    }
    this.elements.tray.hidden = false;
  }

  /** Waits for every upload under way; answers the files uploaded and clears the tray of them (refusals stay). */
  async settle(): Promise<FileInfo[]> {
    const uploads = [...this.uploads];
    const outcomes = await Promise.all(uploads.map((upload) => upload.done));
    const files: FileInfo[] = [];
    outcomes.forEach((outcome, index) => {
      const upload = uploads[index];
      if (!outcome.ok || !upload) return;
      files.push(outcome.file);
      this.remove(upload);
    });
    return files;
  }

  /** Empties the tray (another room came on screen): uploads under way are cancelled. */
  clear(): void {
    for (const upload of [...this.uploads]) this.remove(upload);
    this.elements.tray.replaceChildren();
    this.elements.tray.hidden = true;
  }

  private remove(upload: Upload): void {
    upload.abort();
    upload.item.remove();
    this.uploads = this.uploads.filter((other) => other !== upload);
    if (this.elements.tray.childElementCount === 0) this.elements.tray.hidden = true;
  }

  private row(file: File): HTMLLIElement {
    const item = document.createElement('li');
    item.className = 'upload';
    item.dataset.state = 'uploading';
    const name = document.createElement('span');
    name.className = 'upload-name';
    name.textContent = `${file.name || 'pasted file'} (${fileSize(file.size)})`;
    const bar = document.createElement('progress');
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute('aria-label', `Uploading ${file.name}`);
    const status = document.createElement('span');
    status.className = 'upload-status';
    status.setAttribute('role', 'status');
    status.textContent = this.uploads.length >= MAX_FILES ? `Not uploaded: a message carries at most ${MAX_FILES} files` : '';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'upload-remove';
    remove.textContent = '×';
    remove.setAttribute('aria-label', `Remove ${file.name}`);
    remove.addEventListener('click', () => {
      const upload = this.uploads.find((each) => each.item === item);
      if (upload) this.remove(upload);
      else item.remove();
      if (this.elements.tray.childElementCount === 0) this.elements.tray.hidden = true;
    });
    item.append(name, bar, status, remove);
    this.elements.tray.append(item);
    return item;
  }
}
