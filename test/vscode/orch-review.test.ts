import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { commitWorkspace, screenshots, useAgentWorkbench, waitUntil } from './e2e-workspace';
import { openViewContainer, runCommand, treeRow } from './workbench';

// "Review Changes" after a real run (the extension's `orch run`, the real claude CLI, the
// scripted model): the run's and a task's verified work in the editor's multi-file diff.
const repoRoot = resolve(__dirname, '..', '..');
const TITLE = 'GREETING SERVICE ROADMAP';

/** A row's inline actions show only while the pointer is on it; hover afresh until the click lands. */
async function clickInline(row: Locator, title: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await row.page().mouse.move(900, 600);
    await row.hover();
    try {
      await row.locator(`.actions .action-label[aria-label^="${title}"]`).click({ timeout: 2_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

describe('Orch: Review Changes in VS Code (code-server)', function () {
  this.timeout(180_000);
  const e2e = useAgentWorkbench({
    prefix: 'orch-review-e2e-',
    workspace: (dir) => {
      cpSync(join(repoRoot, 'examples'), dir, { recursive: true });
      mkdirSync(join(dir, '.orch'));
      commitWorkspace(dir);
    },
    scenario: demoScenario,
    settings: { 'orch.parallel': 3, 'orch.defaultRoadmap': 'roadmap.md' },
    env: () => ({ ANTHROPIC_API_KEY: 'sk-ant-e2e-review' }),
  });
  let page: Page;

  before(async () => {
    page = e2e.page;
    await openViewContainer(page, 'Orch');
    await treeRow(page, 'Roadmap', TITLE).locator('.label-description', { hasText: 'plan · 2 milestones · 7 tasks' }).waitFor();
    await runCommand(page, 'Orch: Run');
    await page.locator('.quick-input-widget', { hasText: `Orch: run ${TITLE}` }).waitFor();
    await page.keyboard.press('Enter');
    await treeRow(page, 'Roadmap', TITLE).locator('.label-description', { hasText: 'completed · 7/7 verified' }).waitFor({ timeout: 150_000 });
    // The process tidies up after its last event and the tree redraws once more when it exits:
    // a click on a row being redrawn is lost.
    await waitUntil(() => e2e.vscode.outputChannel('Orch').includes('orch run exited 0'), 60_000, () => e2e.vscode.outputChannel('Orch').slice(-2000));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  });

  it('on the run, opens a diff editor over every file the agents wrote, with the agents\' content on the right', async () => {
    await clickInline(treeRow(page, 'Roadmap', TITLE), 'Review Changes');
    const tab = page.locator('.tabs-container .tab', { hasText: /Orch: run \S+ \(7 files\)/ });
    await tab.waitFor({ timeout: 30_000 });
    const editor = page.locator('.part.editor .multiDiffEditor');
    await editor.waitFor();
    // The editor renders the files in view: the first ones, in path order.
    for (const name of ['guide-outline.md', 'requirements.md']) await editor.locator('.header', { hasText: name }).first().waitFor();
    await editor.locator('.monaco-diff-editor .modified .view-line', { hasText: 'Written by a scripted agent' }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(screenshots, 'review-run.png') });
  });

  it('on a verified task, shows only that task\'s files', async () => {
    await clickInline(treeRow(page, 'Roadmap', 'T3 Implement farewell()'), 'Review Changes');
    const tab = page.locator('.tabs-container .tab', { hasText: /Orch: PRD-1\/T3 \(1 file\)/ });
    await tab.waitFor({ timeout: 30_000 });
    const editor = page.locator('.part.editor .multiDiffEditor:visible');
    await editor.locator('.header', { hasText: 'farewell.js' }).first().waitFor();
    await editor.locator('.monaco-diff-editor .modified .view-line', { hasText: 'function farewell(name)' }).first().waitFor({ timeout: 30_000 });
    assert.equal(await editor.locator('.header', { hasText: 'greeting.js' }).count(), 0);
    await page.screenshot({ path: join(screenshots, 'review-task.png') });
  });
});
