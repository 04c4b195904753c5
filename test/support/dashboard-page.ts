import type { Browser, Page } from 'playwright-core';
import type { EventLog } from '../../src/orchestrator/events/event-log';
import type { NewEvent } from '../../src/protocol/events';
import type { DashboardServer } from '../../src/server/dashboard-server';
import { startTestServer, writeRun } from '../integration/server-harness';
import { useChromium } from './chromium';
import { useTempDir } from './temp-dir';

export interface DashboardRun {
  readonly server: DashboardServer;
  readonly log: EventLog;
  browser(): Browser;
}

/**
 * For a browser suite (call inside a mocha `describe`): one Chromium for the suite, and per test a
 * fresh workspace holding run `runId` made of `events()`, served by a dashboard server.
 */
export function useDashboardRun(prefix: string, runId: string, events: () => NewEvent[]): DashboardRun {
  const dir = useTempDir(prefix);
  const chromiumSuite = useChromium();
  let server: DashboardServer | undefined;
  let log: EventLog | undefined;
  beforeEach(async () => {
    log = await writeRun(dir.path, runId, events());
    server = await startTestServer(dir.path);
  });
  afterEach(async () => {
    await server?.close();
    await log?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useDashboardRun: the ${what} is not started yet: use it inside a test`);
    return value;
  };
  return {
    get server() {
      return started(server, 'server');
    },
    get log() {
      return started(log, 'event log');
    },
    browser: () => chromiumSuite.browser(),
  };
}

/**
 * Opens the dashboard logged in through the address's fragment, at `width` (a phone's height below
 * 500 px). Page errors, console errors and refused styles or scripts land in `problems`.
 */
/** `fakeClock`: the page's timers run on Playwright's clock (flowing as usual until a test moves it). */
export async function openDashboardPage(browser: Browser, server: DashboardServer, width: number, options: { readonly fakeClock?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: width < 500 ? 844 : 800 } });
  if (options.fakeClock === true) await page.clock.install();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${message.text()} ${message.location().url}`);
  });
  // A refused style or script (the CSP) is a console error too, so the problems list catches it.
  await page.addInitScript('document.addEventListener("securitypolicyviolation", (e) => console.error("CSP refused " + e.violatedDirective + " at " + e.sourceFile + ":" + e.lineNumber))');
  await page.goto(`${server.url}#token=${server.token}`);
  return { page, problems };
}
