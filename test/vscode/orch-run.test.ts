import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { commitWorkspace, filesContaining, screenshots, useAgentWorkbench, waitUntil } from './e2e-workspace';
import { notification, openViewContainer, pickQuickItem, runCommand, statusItem, treeRow } from './workbench';

// Run and cancel from the palette, for real: the packaged extension starts `orch run`, which
// drives the real claude CLI against the scripted model server. The API key is set through the
// command and must reach the model's requests and nothing else.
const repoRoot = resolve(__dirname, '..', '..');
const apiKey = `sk-ant-e2e-${Date.now().toString(36)}-secret`;

describe('Orch: Run and Cancel in VS Code (code-server)', function () {
  this.timeout(180_000);
  const e2e = useAgentWorkbench({
    prefix: 'orch-run-e2e-',
    workspace: (dir) => {
      cpSync(join(repoRoot, 'examples'), dir, { recursive: true });
      mkdirSync(join(dir, '.orch'));
      commitWorkspace(dir);
    },
    scenario: demoScenario,
    settings: { 'orch.parallel': 3, 'orch.defaultRoadmap': 'roadmap.md' },
  });
  let page: Page;
  before(() => {
    page = e2e.page;
  });

  it('shows the default roadmap\'s plan before any run', async () => {
    await openViewContainer(page, 'Orch');
    await treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP').locator('.label-description', { hasText: 'plan · 2 milestones · 7 tasks' }).waitFor();
  });

  it('"Orch: Set API Key" stores the key and "Orch: Run" runs the plan with it in the agents\' environment only', async () => {
    await runCommand(page, 'Orch: Set API Key');
    await pickQuickItem(page, 'Anthropic');
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor();
    await input.fill(apiKey);
    await page.keyboard.press('Enter');
    await notification(page, 'Orch: Anthropic API key saved.').waitFor();

    await runCommand(page, 'Orch: Run');
    // The milestone pick: none ticked means every milestone.
    await page.locator('.quick-input-widget', { hasText: 'Orch: run GREETING SERVICE ROADMAP' }).waitFor();
    await page.keyboard.press('Enter');
    await notification(page, 'Orch: run finished: every task verified (7/7 verified').waitFor({ timeout: 120_000 });
    await treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP').locator('.label-description', { hasText: 'completed · 7/7 verified' }).waitFor();
    await statusItem(page, 'Orch 7/7').waitFor();
    await page.screenshot({ path: join(screenshots, 'run-completed.png') });

    const modelRequests = e2e.model.modelRequests();
    assert.ok(modelRequests.length >= 7, `expected a model request per task, got ${modelRequests.length}`);
    assert.deepEqual([...new Set(modelRequests.map((r) => r.headers['x-api-key']))], [apiKey]);
    const leaks = [...filesContaining(join(e2e.workspace, '.orch'), apiKey), ...filesContaining(join(e2e.vscode.runDir, 'ud', 'logs'), apiKey)];
    assert.deepEqual(leaks, []);
  });

  /** Starts a run whose agents never answer, once two of its tasks are running. */
  async function startHangingRun(): Promise<void> {
    e2e.model.setScenario(() => ({ kind: 'hang' }));
    await runCommand(page, 'Orch: Run');
    await page.locator('.quick-input-widget', { hasText: 'Orch: run GREETING SERVICE ROADMAP' }).waitFor();
    await page.keyboard.press('Enter');
    await treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP').locator('.label-description', { hasText: 'running · 0/7 verified' }).waitFor({ timeout: 60_000 });
    await page.locator('.monaco-list[aria-label="Roadmap"] .custom-view-tree-node-item-icon.codicon-sync').nth(1).waitFor({ timeout: 60_000 });
  }

  it('"Orch: Cancel" stops a running run; the tree and status bar say so', async () => {
    await startHangingRun();
    await runCommand(page, 'Orch: Cancel');
    await notification(page, 'Orch: run finished: cancelled (0/7 verified').waitFor({ timeout: 60_000 });
    await treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP').locator('.label-description', { hasText: 'cancelled · 0/7 verified' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'run-cancelled.png') });
  });

  it('reloading the window stops the run\'s processes, and "Orch: Resume" finishes it later', async () => {
    await startHangingRun();
    assert.ok(runProcesses(e2e.workspace).length > 0, 'the run and its agents should be running');

    await runCommand(page, 'Developer: Reload Window');
    await waitUntil(() => runProcesses(e2e.workspace).length === 0, 30_000, () => `processes left: ${runProcesses(e2e.workspace).join('\n')}\n${execFileSync('ps', ['-eo', 'pid,ppid,pgid,etime,cmd', '--forest']).toString().split('\n').filter((l) => /code-server|cli\.js|claude|node/.test(l)).map((l) => l.slice(0, 220)).join('\n')}`);
    await treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP').locator('.label-description', { hasText: 'cancelled · 0/7 verified' }).waitFor({ timeout: 60_000 });

    // Resume picks the run up again: the cancelled tasks get new attempts. (How the resumed run
    // ends is the engine's business, tested in test/integration.)
    e2e.model.setScenario(demoScenario);
    await runCommand(page, 'Orch: Resume');
    const t1 = treeRow(page, 'Roadmap', 'T1 Write the requirements');
    await page.waitForFunction((row) => /Attempts: [2-9]/.test(row?.getAttribute('aria-label') ?? ''), await t1.elementHandle(), { timeout: 60_000 });
    const root = treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP').locator('.label-description');
    await page.waitForFunction((el) => /^(completed|failed) ·/.test(el?.textContent ?? ''), await root.elementHandle(), { timeout: 120_000 });
    await page.screenshot({ path: join(screenshots, 'resumed.png') });
  });
});

/** The `orch` CLI and agent processes working in this workspace (from /proc: command line and cwd). */
function runProcesses(workspace: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if ((/dist\/cli\.js (run|resume)/.test(cmdline) && cmdline.includes(workspace)) || (/claude/.test(cmdline) && cwd.startsWith(workspace))) found.push(`${pid} ${cmdline}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
