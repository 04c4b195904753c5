import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { VerifyCheck } from '../../protocol/domain';
import type { CheckResult } from '../../protocol/events';
import type { BrowserEngine } from '../../protocol/browser-check';
import { browserSession, checkBrowser, resolveChromiumPath, type BrowserCheckContext, type BrowserSession } from './verify-browser';
import { firefoxLauncher, resolveFirefoxPath } from '../verify/firefox-page';
import { resolveWebKitDriver, webkitLauncher } from '../verify/webkit-page';
import { writeEvidence } from '../security/evidence-file';
import type { Redact } from '../security/redact-secrets';
import { placeInside } from '../workspace/inside-worktree';

export interface VerifyContext {
  readonly cwd: string;
  readonly evidenceDir: string;
  /** Prefix for evidence file names, unique per verification round. */
  readonly evidencePrefix: string;
  readonly defaultCommandTimeoutSec: number;
  readonly signal?: AbortSignal;
  /** Added to the check commands' environment: the run's marker, so a resume finds leftovers. */
  readonly env?: Readonly<Record<string, string>>;
  /** The config's `chromiumPath`; ORCH_CHROMIUM_PATH wins over it, /usr/bin/chromium is the default. */
  readonly chromiumPath?: string;
  /** Secrets out of evidence: the run's redaction. */
  readonly redact?: Redact;
  /** The engines of a browser check that names none: the config's `browsers`. */
  readonly browsers?: readonly BrowserEngine[];
}

/** Runs each check itself (the leader never takes an agent's word) and keeps the output. */
export async function verifyChecks(checks: readonly VerifyCheck[], ctx: VerifyContext): Promise<CheckResult[]> {
  return (await verifyCheckGroups(checks, ctx)).flat();
}

/**
 * The results check by check (a browser check gives one per engine); `only` runs just the checks
 * at these positions, named as in a whole round, and leaves the others' groups empty.
 */
export async function verifyCheckGroups(checks: readonly VerifyCheck[], ctx: VerifyContext, only?: ReadonlySet<number>): Promise<CheckResult[][]> {
  await mkdir(ctx.evidenceDir, { recursive: true });
  const groups: CheckResult[][] = [];
  // The task's browser checks share one Chromium, started by the first of them.
  const browser = browserSession(resolveChromiumPath(ctx.chromiumPath), ctx.cwd, ctx.env);
  const launchers = { firefox: firefoxLauncher(resolveFirefoxPath(), ctx.cwd, ctx.env), webkit: webkitLauncher(resolveWebKitDriver(), ctx.env) };
  try {
    for (const [index, check] of checks.entries()) {
      groups.push(only === undefined || only.has(index) ? [await runCheck(check, index, ctx, browser, launchers)].flat() : []);
    }
  } finally {
    await Promise.all([browser.close(), launchers.firefox.close(), launchers.webkit.close()]);
  }
  return groups;
}

async function runCheck(check: VerifyCheck, index: number, ctx: VerifyContext, browser: BrowserSession, launchers: BrowserCheckContext['launchers']): Promise<CheckResult | CheckResult[]> {
  switch (check.kind) {
    case 'file':
      return checkFile(check.path, ctx);
    case 'command':
      return checkCommand(check.command, check.timeoutSec ?? ctx.defaultCommandTimeoutSec, index, ctx);
    case 'browser':
      return checkBrowser(check, {
        cwd: ctx.cwd,
        session: browser,
        launchers,
        ...(ctx.browsers === undefined ? {} : { browsers: ctx.browsers }),
        evidenceBase: join(ctx.evidenceDir, `${ctx.evidencePrefix}-check${index + 1}`),
        env: ctx.env,
        signal: ctx.signal,
        ...(ctx.redact === undefined ? {} : { redact: ctx.redact }),
      });
  }
}

async function checkFile(path: string, ctx: VerifyContext): Promise<CheckResult> {
  const label = `file ${path}`;
  const placed = await placeInside(ctx.cwd, path);
  if (!placed.inside) return { check: label, passed: false, detail: placed.reason };
  if (!placed.exists) return { check: label, passed: false, detail: `${path} does not exist` };
  const info = await stat(placed.path);
  if (!info.isFile()) return { check: label, passed: false, detail: `${path} exists but is not a regular file` };
  if (info.size === 0) return { check: label, passed: false, detail: `${path} is empty` };
  return { check: label, passed: true, detail: `${path} exists (${info.size} bytes)` };
}

const OUTPUT_LIMIT = 4 * 1024 * 1024;

async function checkCommand(command: string, timeoutSec: number, index: number, ctx: VerifyContext): Promise<CheckResult> {
  const label = `command ${command}`;
  const evidencePath = join(ctx.evidenceDir, `${ctx.evidencePrefix}-check${index + 1}.log`);
  const started = Date.now();
  const { code, signal, output, timedOut } = await runShell(command, ctx.cwd, timeoutSec, ctx.signal, ctx.env);
  const header = `$ ${command}\n# cwd ${ctx.cwd}\n# exit ${code ?? signal} after ${Date.now() - started} ms${timedOut ? ' (timed out)' : ''}\n`;
  await writeEvidence(evidencePath, header + output, ctx.redact);
  const tail = output.trimEnd().split('\n').slice(-15).join('\n');
  if (timedOut) return { check: label, passed: false, detail: `timed out after ${timeoutSec} s\n${tail}`, evidencePath };
  if (code === 0) return { check: label, passed: true, detail: `exit 0\n${tail}`, evidencePath };
  return { check: label, passed: false, detail: `exit ${code ?? signal}\n${tail}`, evidencePath };
}

interface ShellOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly timedOut: boolean;
}

// Verification commands are the user's own (from their PRD), so they run in a shell like in
// their terminal; the process group is killed as a whole on timeout so nothing lingers.
function runShell(command: string, cwd: string, timeoutSec: number, signal?: AbortSignal, env: Readonly<Record<string, string>> = {}): Promise<ShellOutcome> {
  return new Promise((resolvePromise) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const collect = (chunk: Buffer) => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutSec * 1000);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: 127, signal: null, output: String(error), timedOut });
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      resolvePromise({ code, signal: sig, output, timedOut });
    });
  });
}
