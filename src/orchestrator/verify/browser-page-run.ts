// One browser check in one engine: load the page, wait for its text, take the PRD's steps one by
// one, and keep what a person would have seen (status, console errors, text, screenshots).
import { describeStep, type BrowserStep, type Viewport } from '../../protocol/browser-check';
import type { VerifyCheck } from '../../protocol/domain';
import type { BrowserStepResult } from '../../protocol/events-browsers';
import { cancelled, firstLine, type EnginePage } from './engine-page';

type BrowserCheck = Extract<VerifyCheck, { kind: 'browser' }>;

export interface PageFacts {
  loaded: boolean;
  status?: number;
  text: string;
  consoleErrors: readonly string[];
  screenshot?: string;
  problem?: string;
  viewport?: Viewport;
  readonly steps: BrowserStepResult[];
}

export interface PageRunOptions {
  readonly timeoutSec: number;
  /** Evidence file path without extension, for this engine. */
  readonly evidenceBase: string;
  /** Photograph the page at the end (and each step, and a failing one). */
  readonly screenshots: boolean;
  /** Where a `goto` step leads: a URL, or why it may not go there. */
  readonly resolveGoto: (target: string) => Promise<{ url: string } | { problem: string }>;
  readonly signal?: AbortSignal;
}

// Evaluated in the page (Orch's own code is compiled without the DOM's types): what a person sees.
const VISIBLE_TEXT = "(document.body ? document.body.innerText : '')";
const POLL_MS = 100;

export async function runPage(page: EnginePage, check: BrowserCheck, url: string, options: PageRunOptions): Promise<PageFacts> {
  const facts: PageFacts = { loaded: false, text: '', consoleErrors: [], steps: [] };
  try {
    await open(page, check, url, options, facts);
    if (facts.problem === undefined && check.steps !== undefined) await runSteps(page, check.steps, options, facts);
    if (cancelled(options.signal)) facts.problem = 'cancelled';
    if (facts.loaded) {
      facts.text = await visibleText(page);
      facts.viewport = await measureViewport(page);
    }
    // A failed step's own screenshot is the one that tells what went wrong: it is kept as the check's.
    if (options.screenshots && facts.loaded && facts.screenshot === undefined && !cancelled(options.signal)) {
      facts.screenshot = `${options.evidenceBase}.png`;
      await page.screenshot(facts.screenshot).catch((error: unknown) => {
        facts.screenshot = undefined;
        facts.consoleErrors = [...facts.consoleErrors, `screenshot failed: ${firstLine(error)}`];
      });
    }
  } catch (error) {
    facts.problem ??= cancelled(options.signal) ? 'cancelled' : `the browser failed: ${firstLine(error)}`;
  }
  facts.consoleErrors = [...(await page.consoleErrors().catch(() => [])), ...facts.consoleErrors];
  return facts;
}

/** Loads the page and waits for the expected text, recording what it found in `facts`. */
async function open(page: EnginePage, check: BrowserCheck, url: string, options: PageRunOptions, facts: PageFacts): Promise<void> {
  const { timeoutSec } = options;
  const deadline = Date.now() + timeoutSec * 1000;
  let status: number | undefined;
  try {
    status = await page.goto(url, timeoutSec * 1000, check.expect === undefined ? 'load' : 'domcontentloaded');
  } catch (error) {
    facts.problem = cancelled(options.signal) ? 'cancelled' : `${url} did not load: ${firstLine(error)}`;
    return;
  }
  facts.loaded = true;
  // A file:// page has no HTTP exchange, though the drivers make up a 200 for it.
  if (url.startsWith('file:') || status === undefined || status === 0) status = undefined;
  if (status !== undefined) facts.status = status;
  if (status !== undefined && (status < 200 || status >= 400)) facts.problem = `HTTP ${status}${statusText(status)}, expected a 2xx or 3xx status`;
  if (check.expect !== undefined && facts.problem === undefined) {
    const found = await waitFor(page, textShown(check.expect), deadline, options.signal);
    if (cancelled(options.signal)) facts.problem = 'cancelled';
    else if (!found) facts.problem = `expected the page to show ${JSON.stringify(check.expect)} within ${timeoutSec} s`;
  }
}

async function runSteps(page: EnginePage, steps: readonly BrowserStep[], options: PageRunOptions, facts: PageFacts): Promise<void> {
  for (const [i, step] of steps.entries()) {
    if (cancelled(options.signal)) return;
    const index = i + 1;
    const started = Date.now();
    let detail: string;
    let passed = true;
    let shot: string | undefined;
    try {
      detail = await runStep(page, step, options);
      if ('screenshot' in step) shot = `${options.evidenceBase}-${step.screenshot}.png`;
    } catch (error) {
      passed = false;
      detail = cancelled(options.signal) ? 'cancelled' : firstLine(error);
    }
    // Each step leaves a frame: the sequence shows the flow as it went, and a failure as it looked.
    if (shot === undefined && (options.screenshots || !passed) && !cancelled(options.signal)) {
      shot = `${options.evidenceBase}-step${index}.png`;
      await page.screenshot(shot).catch(() => (shot = undefined));
    }
    facts.steps.push({ index, step: describeStep(step), passed, detail, ms: Date.now() - started, ...(shot === undefined ? {} : { screenshot: shot }) });
    if (!passed) {
      facts.problem = `step ${index} of ${steps.length} (${describeStep(step)}) failed: ${detail}`;
      if (shot !== undefined) facts.screenshot = shot;
      return;
    }
  }
}

/** What the step did, or throws why it could not. */
async function runStep(page: EnginePage, step: BrowserStep, options: PageRunOptions): Promise<string> {
  const timeoutMs = options.timeoutSec * 1000;
  if ('goto' in step) {
    const target = await options.resolveGoto(step.goto);
    if ('problem' in target) throw new Error(target.problem);
    const status = await page.goto(target.url, timeoutMs, 'load');
    if (status !== undefined && status !== 0 && !target.url.startsWith('file:') && (status < 200 || status >= 400)) throw new Error(`${target.url} answered HTTP ${status}${statusText(status)}`);
    return `opened ${target.url}${status === undefined || target.url.startsWith('file:') ? '' : ` (HTTP ${status})`}`;
  }
  if ('click' in step) {
    await page.click(step.click, timeoutMs);
    return `clicked ${JSON.stringify(step.click)}`;
  }
  if ('fill' in step) {
    await page.fill(step.fill.selector, step.fill.value, timeoutMs);
    return `filled ${JSON.stringify(step.fill.selector)}`;
  }
  if ('press' in step) {
    await page.press(step.press);
    return `pressed ${step.press}`;
  }
  if ('screenshot' in step) {
    const path = `${options.evidenceBase}-${step.screenshot}.png`;
    await page.screenshot(path);
    return `saved ${path}`;
  }
  const { text, selector } = step.expect;
  const condition = selector === undefined ? textShown(text ?? '') : elementShown(selector, text);
  if (await waitFor(page, condition, Date.now() + timeoutMs, options.signal)) return selector === undefined ? `the page shows ${JSON.stringify(text)}` : `${JSON.stringify(selector)} is shown${text === undefined ? '' : ` with ${JSON.stringify(text)}`}`;
  const wanted = selector === undefined ? `the page to show ${JSON.stringify(text)}` : `a visible ${JSON.stringify(selector)}${text === undefined ? '' : ` showing ${JSON.stringify(text)}`}`;
  throw new Error(`expected ${wanted} within ${options.timeoutSec} s`);
}

async function visibleText(page: EnginePage): Promise<string> {
  const text = await page.evaluate(VISIBLE_TEXT).catch(() => '');
  return typeof text === 'string' ? normalize(text) : '';
}

function textShown(text: string): string {
  return `${VISIBLE_TEXT}.replace(/\\s+/g, ' ').includes(${JSON.stringify(normalize(text))})`;
}

function elementShown(selector: string, text: string | undefined): string {
  const want = text === undefined ? 'true' : `e.innerText.replace(/\\s+/g, ' ').includes(${JSON.stringify(normalize(text))})`;
  return `Array.from(document.querySelectorAll(${JSON.stringify(selector)})).some((e) => e.getClientRects().length > 0 && ${want})`;
}

/** Polls the condition in the page until it holds or the deadline passes; a page mid-navigation is not yet. */
async function waitFor(page: EnginePage, condition: string, deadline: number, signal?: AbortSignal): Promise<boolean> {
  for (;;) {
    if (cancelled(signal)) return false;
    if ((await page.evaluate(condition).catch(() => false)) === true) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function measureViewport(page: EnginePage): Promise<Viewport | undefined> {
  const size = await page.evaluate('[window.innerWidth, window.innerHeight]').catch(() => undefined);
  return Array.isArray(size) && typeof size[0] === 'number' && typeof size[1] === 'number' ? { width: size[0], height: size[1] } : undefined;
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

function statusText(status: number): string {
  const text = STATUS_TEXT[status];
  return text === undefined ? '' : ` ${text}`;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
