// A PRD's browser check (docs/design.md §3): the page is opened in a real Chromium and judged by what
// a person would see, its HTTP status and visible text; a screenshot is kept as evidence.
// playwright-core is loaded only when a check needs it: the bundles keep it external (it finds
// its own files at run time) and the .vsix ships no node_modules, so it may be missing there.
import { realpath, stat } from 'node:fs/promises';
import { posix, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserType } from 'playwright-core';
import type { BrowserEngine, Viewport } from '../../protocol/browser-check';
import type { VerifyCheck } from '../../protocol/domain';
import type { CheckResult } from '../../protocol/events';
import type { BrowserEvidence } from '../../protocol/events-browsers';
import { runPage, type PageFacts } from '../verify/browser-page-run';
import { chromiumLauncher } from '../verify/chromium-page';
import { launchedOnce, requireExecutable } from '../verify/launched-once';
import { loadDriver } from '../verify/load-driver';
import { cancelled, DEFAULT_VIEWPORT, EngineUnavailableError, firstLine, type EngineLauncher, type EnginePage } from '../verify/engine-page';
import { firefoxLauncher, resolveFirefoxPath } from '../verify/firefox-page';
import { webkitLauncher, resolveWebKitDriver } from '../verify/webkit-page';
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
  const once = launchedOnce(() => launch(executablePath, cwd, env));
  return { browser: () => once.get(), close: () => once.close() };
}

async function launch(executablePath: string, cwd: string, env: Readonly<Record<string, string>>): Promise<Browser> {
  await requireExecutable(
    executablePath,
    `Chromium not found at ${executablePath}: install it (Debian: apt-get install chromium) or set ORCH_CHROMIUM_PATH or "chromiumPath" in .orch/config.json`,
  );
  const chromium = await loadChromium(cwd);
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, env: { ...process.env, ...env } });
  } catch (error) {
    throw new Error(`Chromium at ${executablePath} did not start: ${firstLine(error)}`, { cause: error });
  }
}

function loadChromium(cwd: string): Promise<BrowserType> {
  return loadDriver('playwright-core', cwd, 'browser checks need it', () => import('playwright-core'), (m) => m.chromium);
}

export interface BrowserCheckContext {
  readonly cwd: string;
  /** The verification's Chromium. */
  readonly session: BrowserSession;
  /** The verification's Firefox and WebKit; else this check starts and stops its own. */
  readonly launchers?: Partial<Record<Exclude<BrowserEngine, 'chromium'>, EngineLauncher>>;
  /** The engines of a check that names none: the config's `browsers`. */
  readonly browsers?: readonly BrowserEngine[];
  /** Evidence file path without extension: `.log`, `.png` and `-serve.log` are added. */
  readonly evidenceBase: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly redact?: Redact;
}

/**
 * One result per engine, each with its own evidence. Never throws: whatever goes wrong is the
 * check's failure, with the reason as its evidence; an engine missing here is `unavailable`.
 */
export async function checkBrowser(check: BrowserCheck, ctx: BrowserCheckContext): Promise<CheckResult[]> {
  const engines = check.browsers ?? ctx.browsers ?? ['chromium'];
  try {
    return await runBrowserCheck(check, engines, ctx);
  } catch (error) {
    return engines.map((engine) => ({ check: labelOf(check, engines, engine), passed: false, detail: `the browser check failed: ${firstLine(error)}` }));
  }
}

/** Only Chromium, with no steps: the check as it always was, its evidence named as it always was. */
function plain(check: BrowserCheck, engines: readonly BrowserEngine[]): boolean {
  return engines.length === 1 && engines[0] === 'chromium' && check.steps === undefined;
}

function labelOf(check: BrowserCheck, engines: readonly BrowserEngine[], engine: BrowserEngine): string {
  return engines.length === 1 && engine === 'chromium' ? `browser ${check.url}` : `browser ${check.url} in ${engine}`;
}

async function runBrowserCheck(check: BrowserCheck, engines: readonly BrowserEngine[], ctx: BrowserCheckContext): Promise<CheckResult[]> {
  const timeoutSec = check.timeoutSec ?? DEFAULT_BROWSER_TIMEOUT_SEC;
  const target = /^https?:\/\//i.test(check.url) ? { url: check.url } : await worktreePage(ctx.cwd, check.url);
  if ('problem' in target) return engines.map((engine) => ({ check: labelOf(check, engines, engine), passed: false, detail: target.problem }));
  // Engines run side by side: the slowest one, not their sum, is what the check costs.
  const inAll = (serveLog?: string): Promise<CheckResult[]> => Promise.all(engines.map((engine) => inEngine(check, engines, engine, target.url, timeoutSec, ctx, serveLog)));
  if (check.serve === undefined) return inAll();
  const serveLog = `${ctx.evidenceBase}-serve.log`;
  const served = await whileServing(check.serve, target.url, { cwd: ctx.cwd, timeoutSec, logPath: serveLog, env: ctx.env, signal: ctx.signal, ...(ctx.redact === undefined ? {} : { redact: ctx.redact }) }, () =>
    inAll(serveLog),
  );
  if (served.ready) return served.value;
  return engines.map((engine) => ({
    check: labelOf(check, engines, engine),
    passed: false,
    detail: served.reason,
    evidencePath: serveLog,
    ...(served.environment === true ? { unavailable: true as const } : {}),
  }));
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

async function inEngine(check: BrowserCheck, engines: readonly BrowserEngine[], engine: BrowserEngine, url: string, timeoutSec: number, ctx: BrowserCheckContext, serveLog?: string): Promise<CheckResult> {
  const label = labelOf(check, engines, engine);
  const legacy = plain(check, engines);
  const base = legacy ? ctx.evidenceBase : `${ctx.evidenceBase}-${engine}`;
  const logPath = `${base}.log`;
  const viewport = check.viewport ?? DEFAULT_VIEWPORT;
  const own = engine === 'chromium' || ctx.launchers?.[engine] !== undefined ? undefined : launcherFor(engine, ctx);
  const launcher = engine === 'chromium' ? chromiumLauncher(() => ctx.session.browser()) : (ctx.launchers?.[engine] ?? own!);
  const started = Date.now();
  let page: EnginePage | undefined;
  try {
    if (cancelled(ctx.signal)) return { check: label, passed: false, detail: 'cancelled' };
    try {
      page = await launcher.open(viewport, ctx.signal);
    } catch (error) {
      if (error instanceof EngineUnavailableError) {
        const browser: BrowserEvidence = { engine, unavailable: true, consoleErrors: [], text: '', steps: [], ms: Date.now() - started };
        return { check: label, passed: false, detail: error.message, unavailable: true, ...(legacy ? {} : { browser }) };
      }
      const problem = cancelled(ctx.signal) ? 'cancelled' : `the browser failed: ${firstLine(error)}`;
      return { check: label, passed: false, detail: problem };
    }
    const opened = page;
    const abort = (): void => void opened.close();
    ctx.signal?.addEventListener('abort', abort, { once: true });
    let facts: PageFacts;
    try {
      facts = await runPage(opened, check, url, {
        timeoutSec,
        evidenceBase: base,
        screenshots: !legacy || check.screenshot === true,
        resolveGoto: (to) => gotoTarget(ctx.cwd, check.url, to),
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      });
    } finally {
      ctx.signal?.removeEventListener('abort', abort);
    }
    const ms = Date.now() - started;
    await writeEvidence(logPath, evidenceLog(check, engine, url, facts, ms, opened.limits, viewport, serveLog), ctx.redact);
    const browser: BrowserEvidence = {
      engine,
      consoleErrors: facts.consoleErrors.slice(0, LOGGED_CONSOLE_ERRORS),
      text: facts.text.slice(0, TEXT_EXCERPT),
      steps: facts.steps,
      log: logPath,
      ms,
      ...(facts.status === undefined ? {} : { status: facts.status }),
      ...(facts.screenshot === undefined ? {} : { screenshot: facts.screenshot }),
      ...(facts.viewport === undefined ? {} : { viewport: facts.viewport }),
    };
    return { check: label, passed: facts.problem === undefined, detail: summary(check, facts), evidencePath: facts.screenshot ?? logPath, ...(legacy ? {} : { browser }) };
  } finally {
    await page?.close();
    await own?.close();
  }
}

function launcherFor(engine: Exclude<BrowserEngine, 'chromium'>, ctx: BrowserCheckContext): EngineLauncher {
  return engine === 'firefox' ? firefoxLauncher(resolveFirefoxPath(), ctx.cwd, ctx.env) : webkitLauncher(resolveWebKitDriver(), ctx.env);
}

/** A step's `goto`: a URL, a path relative to an http page, or a file beside a worktree page. */
async function gotoTarget(cwd: string, checkUrl: string, to: string): Promise<{ url: string } | { problem: string }> {
  if (/^https?:\/\//i.test(to)) return { url: to };
  if (/^https?:\/\//i.test(checkUrl)) return { url: new URL(to, checkUrl).href };
  const dir = posix.dirname(checkUrl.split(/[?#]/)[0] ?? '');
  const found = await worktreePage(cwd, posix.join(dir, to));
  return found;
}

function summary(check: BrowserCheck, facts: PageFacts): string {
  const parts: string[] = [];
  if (facts.problem !== undefined) parts.push(facts.problem);
  if (facts.status !== undefined && facts.problem?.startsWith('HTTP ') !== true) parts.push(`HTTP ${facts.status}`);
  if (facts.problem === undefined && check.expect !== undefined) parts.push(`shows ${JSON.stringify(check.expect)}`);
  if (facts.problem === undefined && facts.steps.length > 0) parts.push(`${facts.steps.length} step(s) passed`);
  if (facts.loaded) {
    const excerpt = facts.text.length > TEXT_EXCERPT ? `${facts.text.slice(0, TEXT_EXCERPT)}…` : facts.text;
    if (facts.problem !== undefined) parts.push(excerpt === '' ? 'the page shows no text' : `the page shows: ${JSON.stringify(excerpt)}`);
    parts.push(`${facts.consoleErrors.length} console error(s)${facts.consoleErrors.length > 0 ? `: ${facts.consoleErrors.slice(0, 3).join(' | ')}` : ''}`);
  }
  if (facts.screenshot !== undefined) parts.push(`screenshot ${facts.screenshot}`);
  return parts.join('; ');
}

function evidenceLog(check: BrowserCheck, engine: BrowserEngine, url: string, facts: PageFacts, ms: number, limits: readonly string[], asked: Viewport, serveLog?: string): string {
  const lines = [
    `# browser ${check.url}${url === check.url ? '' : ` (opened ${url})`} in ${engine}`,
    `# ${facts.problem === undefined ? 'passed' : `failed: ${facts.problem}`} after ${ms} ms`,
    `status: ${!facts.loaded ? 'no response' : (facts.status ?? 'none (not HTTP)')}`,
    `expect: ${check.expect === undefined ? '(none)' : JSON.stringify(check.expect)}`,
    `viewport: asked ${asked.width}x${asked.height}${facts.viewport === undefined ? '' : `, the page had ${facts.viewport.width}x${facts.viewport.height}`}`,
    `screenshot: ${facts.screenshot ?? '(none)'}`,
    ...(serveLog === undefined ? [] : [`serve log: ${serveLog}`]),
    ...limits.map((limit) => `note: ${limit}`),
    ...(facts.steps.length === 0 ? [] : ['steps:']),
    ...facts.steps.map((s) => `  ${s.index}. ${s.passed ? 'ok' : 'FAILED'} ${s.step}: ${s.detail} (${s.ms} ms)${s.screenshot === undefined ? '' : ` [${s.screenshot}]`}`),
    `console errors: ${facts.consoleErrors.length}`,
    ...facts.consoleErrors.slice(0, LOGGED_CONSOLE_ERRORS).map((e) => `  ${e}`),
    '--- visible text ---',
    facts.text.slice(0, LOGGED_TEXT),
  ];
  return `${lines.join('\n')}\n`;
}
