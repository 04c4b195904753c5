// Chromium through playwright-core: the browser of the verification is shared by its checks, each
// page gets a context of its own (its own cookies, storage and window size).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Viewport } from '../../protocol/browser-check';
import { cancelled, driverKey, EngineUnavailableError, type EnginePage, type EngineLauncher } from './engine-page';

// Playwright reads `text=…` and `xpath=…` as its own selector languages: a PRD's selector is CSS.
const css = (selector: string): string => `css=${selector}`;

/** `browser` launches the shared Chromium (or throws why it cannot); closing it is its owner's job. */
export function chromiumLauncher(browser: () => Promise<Browser>): EngineLauncher {
  return {
    async open(viewport: Viewport, signal?: AbortSignal): Promise<EnginePage> {
      let launched: Browser;
      try {
        launched = await browser();
      } catch (error) {
        throw new EngineUnavailableError((error as Error).message, { cause: error });
      }
      if (cancelled(signal)) throw new Error('cancelled');
      const context = await launched.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      // A cancel while the context was being made found nothing to close: the page must not open.
      if (cancelled(signal)) {
        await context.close().catch(() => undefined);
        throw new Error('cancelled');
      }
      return chromiumPage(context, await context.newPage());
    },
    async close() {
      // The shared Chromium belongs to the verification that made it.
    },
  };
}

function chromiumPage(context: BrowserContext, page: Page): EnginePage {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught ${error.name}: ${error.message}`));
  return {
    engine: 'chromium',
    limits: [],
    async goto(url, timeoutMs, waitUntil) {
      const response = await page.goto(url, { waitUntil, timeout: timeoutMs });
      return response?.status();
    },
    evaluate: (expression) => page.evaluate<unknown>(expression),
    click: (selector, timeoutMs) => page.click(css(selector), { timeout: timeoutMs }),
    fill: (selector, value, timeoutMs) => page.fill(css(selector), value, { timeout: timeoutMs }),
    press: (key) => page.keyboard.press(driverKey(key)),
    async screenshot(path) {
      await page.screenshot({ path, timeout: 10_000 });
    },
    consoleErrors: () => Promise.resolve([...errors]),
    close: () => context.close().catch(() => undefined),
  };
}
