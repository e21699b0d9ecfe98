import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { ChatPage } from '../web/chat-page.js';
import { ssoWorld } from './sso-world.js';

const TIMEOUT = { timeout: 20_000 };
const skip = chromiumSkipReason();

/** A person in Chromium: the dialog's button, the provider's own login and consent pages, back signed in. */
describe('the page signs in with single sign-on', { skip }, () => {
  const world = ssoWorld({ workers: 1 });
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('the "Sign in with Test ID" button goes through the provider and comes back as the account', async () => {
    world.provider.setClaims('sub-chromium', { preferred_username: 'lin', name: 'Lin Qiao' });
    const { chat } = await ChatPage.open(browser!, world.url);
    try {
      const { page } = chat;
      await page.click('#identity-button');
      const button = page.locator('#sso-button');
      await button.waitFor({ state: 'visible', ...TIMEOUT });
      assert.equal(await button.textContent(), 'Sign in with Test ID');
      assert.ok(await page.locator('#account-form').isVisible(), 'passwords are on: the form is there too');
      await button.click();
      // The provider's development login page, then its consent page.
      await page.waitForURL((url) => url.origin === world.provider.issuer, TIMEOUT);
      await page.fill('input[name="login"]', 'sub-chromium');
      await page.fill('input[name="password"]', 'anything');
      await page.click('button[type="submit"]');
      await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached', ...TIMEOUT });
      await page.click('button[type="submit"]');
      await page.waitForURL((url) => url.href === `${world.url}/`, TIMEOUT);
      await chat.waitForText('#me', 'Signed in as lin');
      // A new tab of the same browser is the account too (the cookie), and so is a reload.
      await page.reload();
      await chat.waitForText('#me', 'Signed in as lin');
    } finally {
      await chat.close();
    }
  });
});
