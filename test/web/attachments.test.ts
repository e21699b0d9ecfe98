// Issue 25, item 2, in the page: files attached by the button, by paste and by drop, several
// at once, each with a progress bar; sent with the message once uploaded; an image shown as
// its thumbnail and opened full size (Escape closes), another file as a card; a refusal says
// why; and nothing of it wider than a phone.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const MAX_BYTES = 64 * 1024;
// A real 1x1 PNG, so that the browser draws it (its thumbnail and its full size).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(`%PDF-1.4\n% the minutes\n${'x'.repeat(30_000)}\n`);
const DESKTOP = { width: 1000, height: 700 };
// The room is set up at desktop width (the sidebar is a drawer on a phone), then the page narrows.
const PHONE = { width: 375, height: 667 };
const TIMEOUT = { timeout: 20_000 };

/** Two people in a new room: the first created it, the second joined. */
async function roomOfTwo(first: ChatPage, second: ChatPage): Promise<string> {
  const tag = randomUUID().slice(0, 6);
  await first.register(`ann${tag}`, 'correct horse battery staple');
  await second.register(`ben${tag}`, 'correct horse battery staple');
  const room = `files-${tag}`;
  await first.createRoom(room);
  await second.page.fill('#browse-query', room);
  await second.joinRoom(room);
  return room;
}

/** Records every value a progress bar of the tray takes, from now on. */
async function watchProgress(chat: ChatPage): Promise<void> {
  await chat.page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    new MutationObserver((records) => {
      for (const record of records) if (record.target instanceof HTMLProgressElement) seen.push(record.target.value);
    }).observe(document.getElementById('uploads') as HTMLElement, { subtree: true, attributes: true, attributeFilter: ['value'] });
  });
}

const progressSeen = (chat: ChatPage): Promise<number[]> => chat.page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);

/** The message of `text` as `chat` shows it, once it has `count` files drawn. */
async function filesOf(chat: ChatPage, text: string, count: number): Promise<{ images: string[]; cards: string[] }> {
  const item = chat.page.locator('#messages > li.message', { hasText: text });
  await item.locator('.attachments > *').nth(count - 1).waitFor(TIMEOUT);
  return item.evaluate((element) => ({
    images: Array.from(element.querySelectorAll<HTMLImageElement>('.attachment-image img')).map((image) => `${image.alt} ${new URL(image.src).pathname}`),
    cards: Array.from(element.querySelectorAll<HTMLAnchorElement>('.attachment-card')).map((card) => `${card.textContent ?? ''} ${new URL(card.href).pathname}`),
  }));
}

/** Files as a page makes them from a clipboard or a drag: dispatched with a real DataTransfer. */
async function pasteAndDrop(chat: ChatPage): Promise<void> {
  // No named functions inside: the test's transpiler would wrap them in a helper the page lacks.
  await chat.page.evaluate(
    ({ png, pdf }) => {
      const pasted = new DataTransfer();
      pasted.items.add(new File([Uint8Array.from(atob(png), (char) => char.charCodeAt(0))], 'pasted.png', { type: 'image/png' }));
      document.getElementById('input')?.dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true }));
      const dropped = new DataTransfer();
      dropped.items.add(new File([Uint8Array.from(atob(pdf), (char) => char.charCodeAt(0))], 'dropped.pdf', { type: 'application/pdf' }));
      const pane = document.getElementById('room-pane') as HTMLElement;
      pane.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
      pane.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    },
    { png: PNG.toString('base64'), pdf: PDF.toString('base64') },
  );
}

describe('attachments in the page', () => {
  const world = chatWorld({ workers: 2, env: { PARLEY_FILES_MAX_BYTES: String(MAX_BYTES) } });

  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['a 375 px phone', PHONE],
  ] as const) {
    test(`at ${width}: button, paste and drop upload with progress; the other sees a thumbnail, the full size and a card`, { skip: world.skip }, async () => {
      const [ann, ben] = [await world.open({ viewport: DESKTOP }), await world.open({ viewport: DESKTOP })];
      await roomOfTwo(ann, ben);
      await Promise.all([ann.page.setViewportSize(viewport), ben.page.setViewportSize(viewport)]);
      await watchProgress(ann);

      await ann.page.setInputFiles('#attach-input', [
        { name: 'photo.png', mimeType: 'image/png', buffer: PNG },
        { name: 'minutes.pdf', mimeType: 'application/pdf', buffer: PDF },
      ]);
      assert.equal(await ann.page.locator('#uploads li.upload progress').count(), 2, 'a progress bar per file');
      await ann.page.locator('#uploads li.upload[data-state="done"]').nth(1).waitFor({ state: 'attached', ...TIMEOUT });
      assert.ok((await progressSeen(ann)).includes(1), 'the bars went to full');
      await ann.send('b1 here are the files');
      const sent = await filesOf(ben, 'b1 here are the files', 2);
      assert.equal(sent.images.length, 1);
      assert.match(sent.images[0] ?? '', /^photo\.png \/files\/[A-Za-z0-9_-]{32}\/thumbnail$/);
      assert.equal(sent.cards.length, 1);
      assert.match(sent.cards[0] ?? '', /^minutes\.pdf.*KB · Download \/files\/[A-Za-z0-9_-]{32}$/);
      assert.equal(await ann.page.locator('#uploads').isHidden(), true, 'the tray is empty once sent');
      await filesOf(ann, 'b1 here are the files', 2);

      // The thumbnail is drawn; a click opens the full size over the page; Escape closes it.
      const thumbnail = ben.page.locator('#messages > li.message', { hasText: 'b1 here' }).locator('.attachment-image');
      await ben.page.waitForFunction(() => (document.querySelector<HTMLImageElement>('.attachment-image img')?.naturalWidth ?? 0) > 0, undefined, TIMEOUT);
      await thumbnail.click();
      await ben.page.locator('.lightbox img').waitFor(TIMEOUT);
      await ben.page.waitForFunction(() => (document.querySelector<HTMLImageElement>('.lightbox img')?.naturalWidth ?? 0) > 0, undefined, TIMEOUT);
      assert.match((await ben.page.getAttribute('.lightbox img', 'src')) ?? '', /^\/files\/[A-Za-z0-9_-]{32}$/);
      await ben.page.keyboard.press('Escape');
      await ben.page.locator('.lightbox').waitFor({ state: 'detached', ...TIMEOUT });

      // Paste an image into the box and drop a document on the room: sent without text.
      await pasteAndDrop(ann);
      await ann.page.locator('#uploads li.upload[data-state="done"]').nth(1).waitFor({ state: 'attached', ...TIMEOUT });
      await ann.page.press('#input', 'Enter');
      await ben.page.waitForFunction(
        () => Array.from(document.querySelectorAll('#messages .attachments')).some((box) => box.querySelector('img[alt="pasted.png"]') && box.textContent?.includes('dropped.pdf')),
        undefined,
        TIMEOUT,
      );

      // Too large: the row says why, and nothing is sent.
      await ann.page.setInputFiles('#attach-input', [{ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([PDF, Buffer.alloc(MAX_BYTES, 0x41)]) }]);
      await ann.page.locator('#uploads li.upload[data-state="failed"]').waitFor(TIMEOUT);
      assert.match((await ann.page.textContent('#uploads .upload-status')) ?? '', /^Not uploaded: too large/);

      for (const chat of [ann, ben]) {
        const overflow = await chat.page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const wider = Array.from(document.querySelectorAll('#messages .attachments, #messages .attachments *, #uploads, #uploads *'))
            .filter((element) => element.getBoundingClientRect().right > width + 1)
            .map((element) => element.className || element.tagName);
          return { scroll: document.documentElement.scrollWidth, width, wider };
        });
        assert.ok(overflow.scroll <= overflow.width, `no sideways scroll: ${JSON.stringify(overflow)}`);
        assert.deepEqual(overflow.wider, [], 'no file wider than the screen');
      }
      assert.deepEqual([...ann.problems, ...ben.problems], []);
    });
  }
});
