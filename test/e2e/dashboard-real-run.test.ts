// The dashboard as a user meets it: `orch run` (the built dist/cli.js, as its own process) serves
// the page while the real claude CLI works against the scripted model, and Chromium drives the
// page. Nothing is fed by hand: every row, state and tool call on screen came from the run.

import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import { textReply } from '../../src/scripted-model/reply';
import { hang, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { DashboardFile } from '../../src/server/dashboard-file';
import { useChromium } from '../support/chromium';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, prd, REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const SHOTS = '/tmp/shots-real';
const HOSTILE = '<img src=x onerror="window.__xss=1">';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A promise the test settles from outside: how the scripted model holds a turn until told. */
function latch(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * T1 writes a.txt and answers with hostile markup; T2 announces itself, waits for the test, then
 * writes b.txt (the live update the page must show); T3 never gets an answer, so the run stays
 * live until the page cancels it.
 */
function scenario(t2Waiting: () => void, t2Go: Promise<void>): Scenario {
  return async (request, context) => {
    const task = /## Task (\S+):/.exec(request.userText)?.[1];
    const turn = turnsSinceLastInstruction(request);
    if (task === 'T1') return turn === 0 ? writeTool('a.txt', 'one\n')(request, context) : textReply(`Wrote a.txt. The page said ${HOSTILE} here.`);
    if (task === 'T2') {
      if (turn > 0) return textReply('Wrote b.txt.');
      t2Waiting();
      await t2Go;
      return writeTool('b.txt', 'two\n')(request, context);
    }
    if (task === 'T3') return hang()(request, context);
    return textReply(`unexpected request: ${request.userText.slice(0, 80)}`);
  };
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    const value = probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function readDashboardFile(file: string): DashboardFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DashboardFile;
  } catch {
    return undefined;
  }
}

describe('dashboard in a real browser over a real orch run', function () {
  this.timeout(120_000);
  const tmp = useTempDir('orch-e2e-real-');
  const chromiumSuite = useChromium();
  let orch: ChildProcess | undefined;
  let runMarker: string | undefined;
  let tmpPath = '';

  afterEach(() => {
    assert.equal(existsSync(tmpPath), false, `${tmpPath} was removed`);
  });

  it('logs in, drills five levels into a live attempt, sees it update, goes back, cancels from the page', async () => {
    const started = Date.now();
    const cli = join(REPO_ROOT, 'dist/cli.js');
    assert.ok(existsSync(cli), `${cli} is not built: run npm run build first`);
    tmpPath = tmp.path;
    mkdirSync(SHOTS, { recursive: true });
    const t2Waiting = latch();
    const t2Go = latch();
    const fixture = await engineFixture(
      tmp.path,
      { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt', depends: ['T1'] }, { id: 'T3', file: 'c.txt', depends: ['T2'] }]) },
      scenario(t2Waiting.open, t2Go.promise),
    );
    const page = await chromiumSuite.browser().newPage({ viewport: DESKTOP });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${message.text()} ${message.location().url}`);
    });
    const main = page.getByRole('main');
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
    const crumb = (name: string) => page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name, exact: true });

    try {
      // Exactly what a user types, from the built CLI.
      const run = spawn(process.execPath, [cli, 'run', 'roadmap.md', '--port', '0', '--claude-path', CLAUDE_BIN], {
        cwd: fixture.workspace,
        env: fixture.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      orch = run;
      let output = '';
      run.stdout.on('data', (c: Buffer) => (output += c.toString()));
      run.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));

      const dashboard = await until(() => readDashboardFile(join(fixture.workspace, '.orch', 'dashboard.json')), '.orch/dashboard.json');
      assert.match(dashboard.token, /^[0-9a-f]{32}$/);
      const runsDir = join(fixture.workspace, '.orch', 'runs');
      const runId = await until(() => (existsSync(runsDir) ? readdirSync(runsDir)[0] : undefined), 'the run folder');
      const marker = `ORCH_RUN_ID=${runId}`;
      runMarker = marker;
      // T1 is verified and T2's agent is working (held by the model) before the page opens.
      await Promise.race([t2Waiting.promise, exited.then(() => assert.fail(`orch exited early:\n${output}`))]);

      await page.goto(`${dashboard.url}#token=${dashboard.token}`);
      await heading('Test roadmap');
      assert.equal(new URL(page.url()).hash, '#/', 'the token leaves the address bar');
      assert.ok(!page.url().includes(dashboard.token));
      await main.getByText(runId).first().waitFor();
      await shot('desktop-1-roadmap');

      await page.getByRole('link', { name: 'Milestone 1.1: Everything' }).click();
      await heading('Milestone 1.1: Everything');
      await shot('desktop-2-milestone');
      await page.getByRole('link', { name: 'PRD-A: PRD-A title' }).click();
      await heading('PRD-A: PRD-A title');
      await page.getByRole('row', { name: /T1: Make a\.txt/ }).getByText('verified').waitFor();
      await page.getByRole('row', { name: /T2: Make b\.txt/ }).getByText('running').waitFor();
      await shot('desktop-3-prd');
      await page.getByRole('link', { name: 'T1: Make a.txt' }).click();
      await heading('T1: Make a.txt');
      await main.getByText(HOSTILE, { exact: false }).first().waitFor();
      await shot('desktop-4-task');
      await page.getByRole('link', { name: 'Attempt #1' }).click();
      await heading('T1 attempt #1');
      const crumbs = await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('listitem').allInnerTexts();
      assert.deepEqual(crumbs.map((c) => c.trim()), ['Roadmap', 'Milestone 1.1: Everything', 'PRD-A', 'T1', 'Attempt #1']);

      // What the real CLI did: its Write call with the worktree path (raw input on request), and the tool's own answer.
      await main.locator('.tool-write .tool-target', { hasText: /^a\.txt$/ }).waitFor();
      await main.locator('details.raw > summary').first().click();
      await page.getByText(/"file_path": "[^"]*\/a\.txt"/).waitFor();
      await page.getByText(/File created successfully at: .*\/a\.txt/).waitFor();
      // The agent's markup is shown as text and never runs.
      await page.getByText(HOSTILE, { exact: false }).waitFor();
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.equal(await page.evaluate('window.__xss'), undefined);
      await shot('desktop-5-attempt-t1');

      await page.goBack();
      await heading('T1: Make a.txt');
      await page.goBack();
      await heading('PRD-A: PRD-A title');

      // The live part: T2's page is open while its agent waits; the model is released and the
      // page follows without a reload (the marker lives only in this document).
      await page.getByRole('link', { name: 'T2: Make b.txt' }).click();
      await heading('T2: Make b.txt');
      await page.getByRole('link', { name: 'Attempt #1' }).click();
      await heading('T2 attempt #1');
      await main.getByText('running').first().waitFor();
      assert.equal(await page.getByText(/\/b\.txt/).count(), 0, 'no Write of b.txt before the model is released');
      await page.evaluate('window.__samePage = true');
      t2Go.open();
      await main.locator('.tool-write .tool-target', { hasText: /^b\.txt$/ }).waitFor();
      await main.locator('details.raw > summary').first().click();
      await page.getByText(/"file_path": "[^"]*\/b\.txt"/).waitFor();
      await page.getByText(/File created successfully at: .*\/b\.txt/).waitFor();
      await main.getByText('succeeded').first().waitFor();
      assert.equal(await page.evaluate('window.__samePage'), true, 'updated in place, no reload');
      await shot('desktop-6-attempt-t2-live');

      await page.goBack();
      await heading('T2: Make b.txt');
      await page.goBack();
      await heading('PRD-A: PRD-A title');
      await page.getByRole('row', { name: /T2: Make b\.txt/ }).getByText('verified').waitFor();
      await page.getByRole('row', { name: /T3: Make c\.txt/ }).getByText('running').waitFor();
      assert.equal(await page.evaluate('window.__samePage'), true);

      // Phone width: the same pages, no sideways scrolling.
      await page.setViewportSize(PHONE);
      const overflow = () => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      await shot('phone-3-prd');
      assert.equal(await overflow(), 0, 'PRD page fits 390 px');
      await page.getByRole('link', { name: 'T3: Make c.txt' }).click();
      await heading('T3: Make c.txt');
      await page.getByRole('link', { name: 'Attempt #1' }).click();
      await heading('T3 attempt #1');
      await shot('phone-5-attempt-t3');
      assert.equal(await overflow(), 0, 'attempt page fits 390 px');
      await crumb('Roadmap').click();
      await heading('Test roadmap');
      await shot('phone-1-roadmap');
      assert.equal(await overflow(), 0, 'roadmap fits 390 px');
      assert.deepEqual(problems, [], 'no page error or console error while the run was live');

      // Cancel from the page: the run ends, Orch exits, and its agents go with it.
      assert.ok(findMarkedProcesses(marker).length > 0, 'T3\'s agent is alive before the cancel');
      await page.getByRole('button', { name: 'Cancel run…' }).click();
      await page.getByRole('button', { name: 'Yes, cancel the run' }).click();
      await page.getByText('Cancel requested.').waitFor();
      // The run's last event reaches the page before the server closes with the run.
      await main.getByText('cancelled').first().waitFor();
      await shot('phone-1-roadmap-cancelled');
      assert.equal(await exited, 130, output);
      assert.match(readFileSync(join(runsDir, runId, 'events.jsonl'), 'utf8'), /"type":"run\.finished","state":"cancelled"/);
      await until(() => (findMarkedProcesses(marker).length === 0 ? true : undefined), `no process left marked ${marker}`, 10_000);
      assert.equal(existsSync(join(fixture.workspace, '.orch', 'dashboard.json')), false, 'the server removed its dashboard.json');
      console.log(`    real-run dashboard e2e took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      // Only when the test failed before the run ended: nothing of it may outlive the test.
      if (orch?.exitCode === null && orch.signalCode === null) {
        const gone = new Promise((resolve) => orch?.once('exit', resolve));
        orch.kill('SIGKILL');
        await gone;
        for (const pid of runMarker === undefined ? [] : findMarkedProcesses(runMarker)) process.kill(pid, 'SIGKILL');
      }
      t2Go.open();
      await page.close();
      await fixture.model.close();
    }
  });
});
