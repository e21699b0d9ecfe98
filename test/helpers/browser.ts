import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { skipUnlessAvailable } from './services.js';

/** The system's Chromium (the Debian package). Tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The skip reason for browser tests: false when Chromium is installed; loud otherwise, and
 * an error under PARLEY_REQUIRE_SERVICES=1 (see services.ts).
 */
export function chromiumSkipReason(): string | false {
  return skipUnlessAvailable('Chromium', fs.existsSync(CHROMIUM_PATH), `expected at ${CHROMIUM_PATH}; apt-get install chromium`);
}

/** Launches a headless Chromium that talks to nothing but the pages it is sent to. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}
