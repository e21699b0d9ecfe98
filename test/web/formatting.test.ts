// Issue 25, item 4: a safe Markdown subset in the log (bold, italics, strikethrough, inline
// code, code blocks, quotes, lists, links), built as DOM nodes from a parser's tokens, never
// inserted as HTML; Shift+Enter makes a new line in the message box; what is stored is the
// text as typed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatPage } from './chat-page.js';
import { chatWorld } from './world.js';

const GENERAL_ROOM_ID = 1;

/** What the other person's page shows of the message whose text contains `marker`. */
async function shownBody(chat: ChatPage, marker: string): Promise<string> {
  await chat.page.waitForFunction(
    (wanted) => Array.from(document.querySelectorAll('#messages > li.message[data-state="delivered"] .text')).some((body) => body.textContent?.includes(wanted)),
    marker,
    { timeout: 10_000 },
  );
  return chat.page.evaluate(
    (wanted) => Array.from(document.querySelectorAll('#messages > li.message .text')).find((body) => body.textContent?.includes(wanted))?.innerHTML ?? '',
    marker,
  );
}

describe('formatted messages', () => {
  const world = chatWorld();

  test('bold, italics, strikethrough, code, code blocks, quotes, lists and links, as elements', { skip: world.skip }, async () => {
    const [ann, ben] = [await world.open(), await world.open()];
    await ann.pickNickname('ann');
    await ben.pickNickname('ben');
    const text = [
      'm1 **bold** _italic_ ~~struck~~ `a < b` and [the docs](https://example.com/docs) @ben',
      '> quoted',
      '',
      '- one',
      '- two',
      '',
      '1. first',
      '2. second',
      '',
      '```',
      'const x = "<b>not bold</b>";',
      '```',
    ].join('\n');
    await ann.send(text);
    await shownBody(ben, 'm1');
    const shown = await ben.page.evaluate(() => {
      const body = Array.from(document.querySelectorAll('#messages > li.message .text')).find((element) => element.textContent?.includes('m1'));
      if (!body) throw new Error('no message');
      const link = body.querySelector('a');
      // No named function in here: the page gets this code as it was compiled, helpers and all.
      const texts = Object.fromEntries(
        [['strong', 'strong'], ['em', 'em'], ['del', 'del'], ['code', 'p code'], ['quote', 'blockquote'], ['block', 'pre > code'], ['mention', '.mention']].map(
          ([key, selector]) => [key, body.querySelector(selector as string)?.textContent ?? undefined],
        ),
      );
      return {
        ...texts,
        bullets: Array.from(body.querySelectorAll('ul > li'), (item) => item.textContent),
        numbered: Array.from(body.querySelectorAll('ol > li'), (item) => item.textContent),
        link: link && { href: link.getAttribute('href'), rel: link.getAttribute('rel'), target: link.getAttribute('target'), text: link.textContent },
        boldInCode: body.querySelector('pre b') !== null,
      };
    });
    assert.deepEqual(shown, {
      strong: 'bold',
      em: 'italic',
      del: 'struck',
      code: 'a < b',
      quote: 'quoted',
      bullets: ['one', 'two'],
      numbered: ['first', 'second'],
      block: 'const x = "<b>not bold</b>";',
      link: { href: 'https://example.com/docs', rel: 'noopener noreferrer', target: '_blank', text: 'the docs' },
      mention: '@ben',
      boldInCode: false,
    });
  });

  test('nothing typed becomes markup: raw HTML, images, script links and headings stay text', { skip: world.skip }, async () => {
    const [ann, ben] = [await world.open(), await world.open()];
    await ann.pickNickname('ann');
    const hostile = [
      'm2 <img src=x onerror="document.title=\'pwned\'"> <b>tag</b>',
      '[click](javascript:document.title=1) [data](data:text/html,x) ![pic](https://example.com/p.png)',
      '# not a heading',
      '<script>document.title="pwned"</script>',
    ].join('\n');
    await ann.send(hostile);
    await shownBody(ben, 'm2');
    const found = await ben.page.evaluate(() => {
      const body = Array.from(document.querySelectorAll('#messages > li.message .text')).find((element) => element.textContent?.includes('m2'));
      if (!body) throw new Error('no message');
      const attributes = Array.from(body.querySelectorAll('*')).flatMap((element) => Array.from(element.attributes, (attribute) => attribute.name));
      return {
        tags: [...new Set(Array.from(body.querySelectorAll('*'), (element) => element.tagName.toLowerCase()))].sort(),
        handlers: attributes.filter((name) => name.startsWith('on')),
        links: Array.from(body.querySelectorAll('a'), (link) => link.getAttribute('href')),
        text: body.textContent,
        title: document.title,
      };
    });
    assert.deepEqual(found.tags.filter((tag) => !['p', 'br', 'span'].includes(tag)), [], `only paragraphs and text: ${found.tags.join(', ')}`);
    assert.deepEqual(found.handlers, []);
    assert.deepEqual(found.links, []);
    for (const typed of ['<img src=x onerror=', '<b>tag</b>', '[click](javascript:document.title=1)', '![pic](https://example.com/p.png)', '# not a heading', '<script>']) {
      assert.ok(found.text?.includes(typed), `${typed} is shown as typed: ${found.text}`);
    }
    assert.notEqual(found.title, 'pwned');
  });

  test('Shift+Enter starts a new line, Enter sends; the stored text is the text typed', { skip: world.skip }, async () => {
    const [ann, ben] = [await world.open(), await world.open()];
    await ann.pickNickname('ann');
    const tab = await world.tab();
    await tab.must('room:join', { roomId: GENERAL_ROOM_ID });
    await ann.page.click('#input');
    await ann.page.keyboard.type('m3 **first** line');
    await ann.page.keyboard.press('Shift+Enter');
    await ann.page.keyboard.type('second line');
    assert.equal(await ann.page.inputValue('#input'), 'm3 **first** line\nsecond line', 'Shift+Enter did not send');
    await ann.page.keyboard.press('Enter');
    const body = await shownBody(ben, 'm3');
    assert.match(body, /<strong>first<\/strong> line<br>second line/u, 'one paragraph, the new line kept');
    assert.equal(await ann.page.inputValue('#input'), '', 'Enter sent it');

    const history = await tab.must('history:before', { roomId: GENERAL_ROOM_ID });
    assert.ok(
      history.some((event) => event.text === 'm3 **first** line\nsecond line'),
      'the room protocol serves the text as typed',
    );
  });

  test('a long code line scrolls inside its block on a phone; the page stays as wide as the screen', { skip: world.skip }, async () => {
    const ann = await world.open();
    const phone = await world.open({ viewport: { width: 375, height: 700 } });
    await ann.pickNickname('ann');
    await ann.send(`m4\n\`\`\`\n${'wide_code_line_'.repeat(30)}\n\`\`\``);
    await shownBody(phone, 'm4');
    const sizes = await phone.page.evaluate(() => {
      const block = Array.from(document.querySelectorAll('#messages pre')).find((element) => element.textContent?.includes('wide_code_line_'));
      if (!(block instanceof HTMLElement)) throw new Error('no code block');
      return { blockScroll: block.scrollWidth, blockWidth: block.clientWidth, page: document.documentElement.scrollWidth, screen: window.innerWidth };
    });
    assert.ok(sizes.blockScroll > sizes.blockWidth, `the block scrolls (${sizes.blockScroll} > ${sizes.blockWidth})`);
    assert.ok(sizes.page <= sizes.screen, `the page is ${sizes.page} px wide on a ${sizes.screen} px screen`);
  });
});
