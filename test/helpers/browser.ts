/**
 * Headless Chromium for browser tests, using the system's Debian `chromium`
 * (override with PORTICO_CHROMIUM). Flags keep it from calling home.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

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

export interface PageWatch {
  /** Console errors, uncaught exceptions, failed requests and HTTP errors nobody said to expect. */
  problems: string[];
  /** Every request that left `origin`. */
  otherOrigins: string[];
  /** Lets responses with this status whose URL matches `url` through (and their "Failed to load resource" console line). */
  allow(status: number, url: RegExp): void;
}

/**
 * Records what a test must not see on a page: console errors, page errors, failed requests, responses ≥ 400 and
 * requests to any origin but `origin`. Assert `problems` and `otherOrigins` are empty at the end.
 */
export function watchPage(page: Page, origin: string): PageWatch {
  const allowed: Array<{ status: number; url: RegExp }> = [];
  const isAllowed = (status: number, url: string) => allowed.some((rule) => rule.status === status && rule.url.test(url));
  const watch: PageWatch = {
    problems: [],
    otherOrigins: [],
    allow: (status, url) => void allowed.push({ status, url }),
  };
  page.on('request', (request) => {
    const url = request.url();
    if (!/^(data|blob|about):/.test(url) && new URL(url).origin !== origin) watch.otherOrigins.push(url);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const status = /status of (\d{3})/.exec(message.text())?.[1];
    if (status && isAllowed(Number(status), message.location().url)) return;
    watch.problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    // Leaving a page aborts its pending requests (a click that navigates before a fetch finished): not a failure.
    if (reason === 'net::ERR_ABORTED') return;
    watch.problems.push(`request failed: ${request.method()} ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !isAllowed(response.status(), response.url())) {
      watch.problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  return watch;
}
