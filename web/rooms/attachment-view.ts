import type { FileInfo } from '../../src/shared/protocol/files.js';

const units = ['B', 'KB', 'MB', 'GB'] as const;

/** A size as a person reads it: 812 B, 4.2 KB, 10 MB. */
export function fileSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 || size >= 10 ? Math.round(size) : size.toFixed(1)} ${units[unit]}`;
}

/**
 * Draws a message's files under its text (again only when they changed): an image as its
 * thumbnail, opened full size in an overlay on click; anything else as a card with its name,
 * size and a download link. No files (or a deleted message): nothing.
 */
export function drawAttachments(item: HTMLElement, files: readonly FileInfo[]): void {
  const key = files.map((file) => file.id).join(',');
  const drawn = item.querySelector<HTMLElement>(':scope > .attachments');
  if ((drawn?.dataset.files ?? '') === key) return;
  drawn?.remove();
  if (files.length === 0) return;
  const box = document.createElement('div');
  box.className = 'attachments';
  box.dataset.files = key;
  for (const file of files) box.append(file.thumbnailUrl ? imageOf(file, file.thumbnailUrl) : cardOf(file));
  const text = item.querySelector(':scope > .text');
  if (text) text.after(box);
  else item.append(box);
}

function imageOf(file: FileInfo, thumbnailUrl: string): HTMLElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'attachment-image';
  button.setAttribute('aria-label', `Open ${file.name} full size`);
  const image = document.createElement('img');
  image.src = thumbnailUrl;
  image.alt = file.name;
  image.loading = 'lazy';
  button.append(image);
  button.addEventListener('click', () => openFullSize(file, button));
  return button;
}

function cardOf(file: FileInfo): HTMLElement {
  const card = document.createElement('a');
  card.className = 'attachment-card';
  card.href = file.url;
  card.download = file.name;
  const name = document.createElement('span');
  name.className = 'attachment-name';
  name.textContent = file.name;
  const size = document.createElement('span');
  size.className = 'attachment-size';
  size.textContent = `${fileSize(file.size)} · Download`;
  card.append(name, size);
  return card;
}

/** The image full size over the page; Escape, a click or Close closes it, and focus goes back. */
function openFullSize(file: FileInfo, opener: HTMLElement): void {
  const overlay = document.createElement('div');
  overlay.className = 'lightbox';
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'true');
  overlay.setAttribute('aria-label', file.name);
  const image = document.createElement('img');
  image.src = file.url;
  image.alt = file.name;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'lightbox-close';
  close.textContent = 'Close';
  overlay.append(image, close);
  const shut = (): void => {
    overlay.remove();
    document.removeEventListener('keydown', onKey, true);
    opener.focus();
  };
  const onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    shut();
  };
  overlay.addEventListener('click', shut);
  document.addEventListener('keydown', onKey, true);
  document.body.append(overlay);
  close.focus();
}
