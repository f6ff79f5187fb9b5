/**
 * Headless Chromium for browser tests, using the system's Debian `chromium`
 * (override with PORTICO_CHROMIUM). Flags keep it from calling home.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PORTICO_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
