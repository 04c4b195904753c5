// Debian's Chromium driven by playwright-core: the one browser this machine has (no download).
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = resolve(__dirname, '../../test-results');

// Without the background-networking flags Chromium keeps dialling out, which this machine refuses.
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * One browser for a mocha suite over the built dashboard: skipped with a clear message when
 * Chromium is missing (CI installs it), failed clearly when the webview is not built.
 */
export function useChromium(): { browser(): Browser } {
  let browser: Browser | undefined;
  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
      this.skip();
    }
    assert.ok(existsSync(resolve(__dirname, '../../media/webview/index.html')), 'media/webview is not built: run npm run build first');
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });
  return {
    browser() {
      if (browser === undefined) throw new Error('the browser is not launched yet: call browser() inside a test');
      return browser;
    },
  };
}

export function screenshotPath(name: string): string {
  return join(SCREENSHOTS, name);
}
