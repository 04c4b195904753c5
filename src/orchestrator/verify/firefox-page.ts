// Firefox (Debian's firefox-esr) through puppeteer-core over WebDriver BiDi: Playwright's Firefox
// needs its own patched build, which cannot be downloaded here. One Firefox per verification, a
// browser context per page. puppeteer-core is loaded only when a check needs Firefox.
import type { Browser, BrowserContext, Page, PuppeteerNode } from 'puppeteer-core';
import type { Viewport } from '../../protocol/browser-check';
import { launchedOnce, requireExecutable } from './launched-once';
import { loadDriver } from './load-driver';
import { cancelled, driverKey, EngineUnavailableError, firstLine, type EngineLauncher, type EnginePage } from './engine-page';

export const DEFAULT_FIREFOX_PATH = '/usr/bin/firefox-esr';

/** ORCH_FIREFOX_PATH, else Debian's Firefox ESR. */
export function resolveFirefoxPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ORCH_FIREFOX_PATH;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_FIREFOX_PATH;
}

/** `env` is added to Firefox's environment: the run's marker, so a resume finds a leftover browser. */
export function firefoxLauncher(executablePath: string, cwd: string, env: Readonly<Record<string, string>> = {}): EngineLauncher {
  const once = launchedOnce(() => launch(executablePath, cwd, env));
  return {
    async open(viewport: Viewport, signal?: AbortSignal): Promise<EnginePage> {
      let browser: Browser;
      try {
        browser = await once.get();
      } catch (error) {
        throw new EngineUnavailableError((error as Error).message, { cause: error });
      }
      if (cancelled(signal)) throw new Error('cancelled');
      const context = await browser.createBrowserContext();
      if (cancelled(signal)) {
        await context.close().catch(() => undefined);
        throw new Error('cancelled');
      }
      const page = await context.newPage();
      // This Firefox knows the viewport command but not the screen-orientation one puppeteer
      // sends with it: the size is set all the same (the check measures and records it).
      await page.setViewport({ width: viewport.width, height: viewport.height }).catch(() => undefined);
      return firefoxPage(context, page);
    },
    close: () => once.close(),
  };
}

async function launch(executablePath: string, cwd: string, env: Readonly<Record<string, string>>): Promise<Browser> {
  await requireExecutable(executablePath, `Firefox not found at ${executablePath}: install it (Debian: apt-get install firefox-esr) or set ORCH_FIREFOX_PATH`);
  const puppeteer = await loadPuppeteer(cwd);
  try {
    return await puppeteer.launch({ browser: 'firefox', executablePath, headless: true, env: { ...process.env, ...env } });
  } catch (error) {
    throw new Error(`Firefox at ${executablePath} did not start: ${firstLine(error)}`, { cause: error });
  }
}

function loadPuppeteer(cwd: string): Promise<PuppeteerNode> {
  return loadDriver('puppeteer-core', cwd, 'Firefox checks need it', () => import('puppeteer-core'), (m) => m.default);
}

function firefoxPage(context: BrowserContext, page: Page): EnginePage {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error: unknown) => errors.push(error instanceof Error ? `uncaught ${error.name}: ${error.message}` : `uncaught ${String(error)}`));
  return {
    engine: 'firefox',
    limits: [],
    async goto(url, timeoutMs, waitUntil) {
      const response = await page.goto(url, { waitUntil, timeout: timeoutMs });
      return response?.status();
    },
    evaluate: (expression) => page.evaluate(expression),
    click: (selector, timeoutMs) => page.locator(selector).setTimeout(timeoutMs).click(),
    fill: (selector, value, timeoutMs) => page.locator(selector).setTimeout(timeoutMs).fill(value),
    press: (key) => page.keyboard.press(driverKey(key) as Parameters<Page['keyboard']['press']>[0]),
    async screenshot(path) {
      await page.screenshot({ path: path });
    },
    consoleErrors: () => Promise.resolve([...errors]),
    close: () => context.close().catch(() => undefined),
  };
}
