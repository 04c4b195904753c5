// A PRD's browser check (docs/design.md §3): the page is opened in a real Chromium and judged by what
// a person would see, its HTTP status and visible text; a screenshot is kept as evidence.
// playwright-core is loaded only when a check needs it: the bundles keep it external (it finds
// its own files at run time) and the .vsix ships no node_modules, so it may be missing there.
import { access, constants, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, BrowserType, Page } from 'playwright-core';
import type { VerifyCheck } from '../../protocol/domain';
import type { CheckResult } from '../../protocol/events';
import { whileServing } from './verify-serve';
import { writeEvidence } from '../security/evidence-file';
import type { Redact } from '../security/redact-secrets';

export type BrowserCheck = Extract<VerifyCheck, { kind: 'browser' }>;

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
const DEFAULT_BROWSER_TIMEOUT_SEC = 30;
const TEXT_EXCERPT = 200;
const LOGGED_TEXT = 4_000;
const LOGGED_CONSOLE_ERRORS = 50;

// Without the background-networking flags Chromium keeps dialling out; root needs --no-sandbox.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** ORCH_CHROMIUM_PATH, else the config's `chromiumPath`, else Debian's Chromium. */
export function resolveChromiumPath(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ORCH_CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return configured ?? DEFAULT_CHROMIUM_PATH;
}

// How a check says the browser itself is missing or broken: a fault of the machine, not of the work.
/** One Chromium for the browser checks of one verification, launched on first use. */
export interface BrowserSession {
  browser(): Promise<Browser>;
  close(): Promise<void>;
}

/** `env` is added to Chromium's environment: the run's marker, so a resume finds a leftover browser. */
export function browserSession(executablePath: string, cwd: string, env: Readonly<Record<string, string>> = {}): BrowserSession {
  let launched: Promise<Browser> | undefined;
  return {
    browser() {
      launched ??= launch(executablePath, cwd, env);
      return launched;
    },
    async close() {
      const pending = launched;
      launched = undefined;
      if (pending === undefined) return;
      try {
        await (await pending).close();
      } catch {
        // it never started, or it is gone already
      }
    },
  };
}

async function launch(executablePath: string, cwd: string, env: Readonly<Record<string, string>>): Promise<Browser> {
  try {
    await access(executablePath, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${executablePath}: install it (Debian: apt-get install chromium) or set ORCH_CHROMIUM_PATH or "chromiumPath" in .orch/config.json`,
    );
  }
  const chromium = await loadChromium(cwd);
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, env: { ...process.env, ...env } });
  } catch (error) {
    throw new Error(`Chromium at ${executablePath} did not start: ${firstLine(error)}`, { cause: error });
  }
}

async function loadChromium(cwd: string): Promise<BrowserType> {
  try {
    return (await import('playwright-core')).chromium;
  } catch (bundled) {
    // Installed without Orch's dependencies (the .vsix): the workspace's own copy will do.
    try {
      return (createRequire(join(cwd, 'package.json'))('playwright-core') as { chromium: BrowserType }).chromium;
    } catch {
      throw new Error(`playwright-core cannot be loaded (${firstLine(bundled)}): browser checks need it; install it in the workspace (npm install --save-dev playwright-core)`, { cause: bundled });
    }
  }
}

export interface BrowserCheckContext {
  readonly cwd: string;
  readonly session: BrowserSession;
  /** Evidence file path without extension: `.log`, `.png` and `-serve.log` are added. */
  readonly evidenceBase: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly redact?: Redact;
}

/** Never throws: whatever goes wrong is the check's failure, with the reason as its evidence. */
export async function checkBrowser(check: BrowserCheck, ctx: BrowserCheckContext): Promise<CheckResult> {
  try {
    return await runBrowserCheck(check, ctx);
  } catch (error) {
    return { check: `browser ${check.url}`, passed: false, detail: `the browser check failed: ${firstLine(error)}` };
  }
}

async function runBrowserCheck(check: BrowserCheck, ctx: BrowserCheckContext): Promise<CheckResult> {
  const label = `browser ${check.url}`;
  const timeoutSec = check.timeoutSec ?? DEFAULT_BROWSER_TIMEOUT_SEC;
  const target = /^https?:\/\//i.test(check.url) ? { url: check.url } : await worktreePage(ctx.cwd, check.url);
  if ('problem' in target) return { check: label, passed: false, detail: target.problem };
  if (check.serve === undefined) return inspect(check, target.url, timeoutSec, ctx);
  const serveLog = `${ctx.evidenceBase}-serve.log`;
  const served = await whileServing(check.serve, target.url, { cwd: ctx.cwd, timeoutSec, logPath: serveLog, env: ctx.env, signal: ctx.signal, ...(ctx.redact === undefined ? {} : { redact: ctx.redact }) }, () =>
    inspect(check, target.url, timeoutSec, ctx, serveLog),
  );
  if (served.ready) return served.value;
  return { check: label, passed: false, detail: served.reason, evidencePath: serveLog, ...(served.environment === true ? { unavailable: true as const } : {}) };
}

/** A path in the worktree as a file:// URL (its ?query and #fragment kept), never outside it. */
async function worktreePage(cwd: string, url: string): Promise<{ url: string } | { problem: string }> {
  const cut = url.search(/[?#]/);
  const path = cut < 0 ? url : url.slice(0, cut);
  const suffix = cut < 0 ? '' : url.slice(cut);
  const outside = { problem: `${JSON.stringify(url)} is outside the task's worktree` };
  if (relative(cwd, resolve(cwd, path)).startsWith('..') || /^[/\\]/.test(path)) return outside;
  let real: string;
  try {
    real = await realpath(resolve(cwd, path));
  } catch {
    return { problem: `${path} does not exist in the task's worktree` };
  }
  // A symlink may point anywhere: what counts is where the file really is.
  const root = await realpath(cwd);
  if (real !== root && !real.startsWith(root + sep)) return outside;
  if (!(await stat(real)).isFile()) return { problem: `${path} is not a file` };
  return { url: pathToFileURL(real).href + suffix };
}

interface PageFacts {
  loaded: boolean;
  status?: number;
  text: string;
  readonly consoleErrors: string[];
  screenshot?: string;
  problem?: string;
}

async function inspect(check: BrowserCheck, url: string, timeoutSec: number, ctx: BrowserCheckContext, serveLog?: string): Promise<CheckResult> {
  const label = `browser ${check.url}`;
  const logPath = `${ctx.evidenceBase}.log`;
  const facts: PageFacts = { loaded: false, text: '', consoleErrors: [] };
  let browser: Browser;
  try {
    browser = await ctx.session.browser();
  } catch (error) {
    return { check: label, passed: false, detail: (error as Error).message, unavailable: true };
  }
  if (cancelled(ctx.signal)) return { check: label, passed: false, detail: 'cancelled' };
  const started = Date.now();
  let context: BrowserContext | undefined;
  const abort = (): void => void context?.close().catch(() => undefined);
  ctx.signal?.addEventListener('abort', abort, { once: true });
  try {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // A cancel while the context was being made found nothing to close: the page must not open.
    if (cancelled(ctx.signal)) throw new Error('cancelled');
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') facts.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => facts.consoleErrors.push(`uncaught ${error.name}: ${error.message}`));
    await open(page, check, url, timeoutSec, facts);
    if (cancelled(ctx.signal)) facts.problem = 'cancelled';
    if (check.screenshot === true && facts.loaded) {
      facts.screenshot = `${ctx.evidenceBase}.png`;
      await page.screenshot({ path: facts.screenshot, timeout: 10_000 }).catch((error: unknown) => {
        facts.screenshot = undefined;
        facts.consoleErrors.push(`screenshot failed: ${firstLine(error)}`);
      });
    }
  } catch (error) {
    facts.problem ??= cancelled(ctx.signal) ? 'cancelled' : `the browser failed: ${firstLine(error)}`;
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
    await context?.close().catch(() => undefined);
  }
  await writeEvidence(logPath, evidenceLog(check, url, facts, Date.now() - started, serveLog), ctx.redact);
  return { check: label, passed: facts.problem === undefined, detail: summary(check, facts), evidencePath: facts.screenshot ?? logPath };
}

// Evaluated in the page (Orch's own code is compiled without the DOM's types): what a person sees.
const VISIBLE_TEXT = "(document.body ? document.body.innerText : '')";

/** Loads the page and waits for the expected text, recording what it found in `facts`. */
async function open(page: Page, check: BrowserCheck, url: string, timeoutSec: number, facts: PageFacts): Promise<void> {
  const deadline = Date.now() + timeoutSec * 1000;
  let response;
  try {
    response = await page.goto(url, { waitUntil: check.expect === undefined ? 'load' : 'domcontentloaded', timeout: timeoutSec * 1000 });
  } catch (error) {
    facts.problem = `${url} did not load: ${firstLine(error)}`;
    return;
  }
  facts.loaded = true;
  // A file:// page has no HTTP exchange, though playwright makes up a 200 for it.
  const status = url.startsWith('file:') ? 0 : (response?.status() ?? 0);
  if (status !== 0) facts.status = status;
  if (status !== 0 && (status < 200 || status >= 400)) facts.problem = `${`HTTP ${status} ${response?.statusText() ?? ''}`.trimEnd()}, expected a 2xx or 3xx status`;
  if (check.expect !== undefined && facts.problem === undefined) {
    const expected = normalize(check.expect);
    const found = await page
      .waitForFunction(`${VISIBLE_TEXT}.replace(/\\s+/g, ' ').includes(${JSON.stringify(expected)})`, undefined, { timeout: Math.max(1, deadline - Date.now()), polling: 100 })
      .then(() => true)
      .catch(() => false);
    if (!found) facts.problem = `expected the page to show ${JSON.stringify(check.expect)} within ${timeoutSec} s`;
  }
  facts.text = normalize(await page.evaluate<string>(VISIBLE_TEXT).catch(() => ''));
}

function summary(check: BrowserCheck, facts: PageFacts): string {
  const parts: string[] = [];
  if (facts.problem !== undefined) parts.push(facts.problem);
  if (facts.status !== undefined && facts.problem?.startsWith('HTTP ') !== true) parts.push(`HTTP ${facts.status}`);
  if (facts.problem === undefined && check.expect !== undefined) parts.push(`shows ${JSON.stringify(check.expect)}`);
  if (facts.loaded) {
    const excerpt = facts.text.length > TEXT_EXCERPT ? `${facts.text.slice(0, TEXT_EXCERPT)}…` : facts.text;
    if (facts.problem !== undefined) parts.push(excerpt === '' ? 'the page shows no text' : `the page shows: ${JSON.stringify(excerpt)}`);
    parts.push(`${facts.consoleErrors.length} console error(s)${facts.consoleErrors.length > 0 ? `: ${facts.consoleErrors.slice(0, 3).join(' | ')}` : ''}`);
  }
  if (facts.screenshot !== undefined) parts.push(`screenshot ${facts.screenshot}`);
  return parts.join('; ');
}

function evidenceLog(check: BrowserCheck, url: string, facts: PageFacts, ms: number, serveLog?: string): string {
  const lines = [
    `# browser ${check.url}${url === check.url ? '' : ` (opened ${url})`}`,
    `# ${facts.problem === undefined ? 'passed' : `failed: ${facts.problem}`} after ${ms} ms`,
    `status: ${!facts.loaded ? 'no response' : (facts.status ?? 'none (not HTTP)')}`,
    `expect: ${check.expect === undefined ? '(none)' : JSON.stringify(check.expect)}`,
    `screenshot: ${facts.screenshot ?? '(none)'}`,
    ...(serveLog === undefined ? [] : [`serve log: ${serveLog}`]),
    `console errors: ${facts.consoleErrors.length}`,
    ...facts.consoleErrors.slice(0, LOGGED_CONSOLE_ERRORS).map((e) => `  ${e}`),
    '--- visible text ---',
    facts.text.slice(0, LOGGED_TEXT),
  ];
  return `${lines.join('\n')}\n`;
}

// A function, not an inline test: the compiler would take `aborted` for constant once checked.
function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
