import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { dumpOnFailure, startCodeServer, type CodeServer } from './code-server';
import { orchWorkspace, type OrchWorkspace } from './orch-workspace';
import { notification, openViewContainer, pickQuickItem, rowDescription, rowIcon, runCommand, statusItem, treeRow } from './workbench';

// The packaged extension in a real VS Code (code-server): `npm run test:vscode` packages the
// .vsix and runs scripts/setup-code-server.sh first.
const repoRoot = resolve(__dirname, '..', '..');
const vsix = join(repoRoot, 'orch.vsix');
const screenshots = join(repoRoot, 'test-results', 'vscode');

describe('Orch in VS Code (code-server)', function () {
  this.timeout(120_000);
  let ws: OrchWorkspace;
  let vscode: CodeServer;
  let page: Page;

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    ws = await orchWorkspace('20260101T000000-abc123');
    vscode = await startCodeServer({ vsix, workspace: ws.root, settings: { 'orch.parallel': 0 } });
    page = vscode.page;
  });

  after(async () => {
    await vscode?.close();
    await ws?.close();
  });

  dumpOnFailure(() => vscode, screenshots);

  it('activates on a workspace with .orch and shows the run in the status bar', async () => {
    await statusItem(page, 'Orch 1/4 · $0.42').waitFor();
  });

  it('says which setting is invalid and what it uses instead', async () => {
    await notification(page, 'Orch: orch.parallel: expected an integer from 1 to 64, got 0; using 4 from .orch/config.json').waitFor();
  });

  it('shows the run as Roadmap > Phase > Milestone > PRD > Task > Attempt with states', async () => {
    await openViewContainer(page, 'Orch');
    const root = treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP');
    await root.waitFor();
    assert.equal(await rowDescription(root), 'running · 1/4 verified · $0.42');
    assert.equal(await rowDescription(treeRow(page, 'Roadmap', 'Phase 1: Greeting Library')), '1/4 verified · $0.42');
    await treeRow(page, 'Roadmap', '1.1 Greeting Module').waitFor();
    // The run selected milestone 1.1 only: 1.2 is not part of it.
    assert.equal(await treeRow(page, 'Roadmap', '1.2 Usage Guide').count(), 0);
    await treeRow(page, 'Roadmap', 'PRD-1 Greeting module').waitFor();
    const t1 = treeRow(page, 'Roadmap', 'T1 Write the requirements');
    assert.equal(await rowDescription(t1), 'verified · product-planner · $0.42');
    assert.equal(await rowIcon(t1), 'codicon-pass-filled');
    const t2 = treeRow(page, 'Roadmap', 'T2 Implement greet()');
    assert.equal(await rowDescription(t2), 'running · backend-engineer');
    assert.equal(await rowIcon(t2), 'codicon-sync');
    assert.equal(await rowDescription(treeRow(page, 'Roadmap', '#1 backend-engineer')), 'running · sonnet · $0.00');
    assert.equal(await rowIcon(treeRow(page, 'Roadmap', 'T3 Implement farewell()')), 'codicon-circle-large-outline');
    // A running run offers Cancel inline; Resume only fits a stopped one.
    assert.equal(await root.locator('a.action-label[aria-label="Cancel"]').count(), 1);
    assert.equal(await root.locator('a.action-label[aria-label="Resume"]').count(), 0);
    await page.screenshot({ path: join(screenshots, 'run-tree.png') });
  });

  it('updates the tree and the status bar live when the run appends events', async () => {
    await ws.log.append({ type: 'attempt.finished', attemptId: 'PRD-1/T2#1', outcome: 'succeeded', costUsd: 0.3, costSource: 'reported', inputTokens: 900, outputTokens: 200, durationMs: 7000 });
    await ws.log.append({ type: 'task.verifying', taskId: 'PRD-1/T2' });
    await ws.log.append({ type: 'task.verified', taskId: 'PRD-1/T2', checks: [{ check: 'file src/greeting.js', passed: true, detail: '120 bytes' }], basis: 'checks' });
    const t2 = treeRow(page, 'Roadmap', 'T2 Implement greet()');
    await t2.locator('.label-description', { hasText: 'verified · backend-engineer · $0.30' }).waitFor();
    assert.equal(await rowIcon(t2), 'codicon-pass-filled');
    await treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP').locator('.label-description', { hasText: 'running · 2/4 verified · $0.72' }).waitFor();
    await statusItem(page, 'Orch 2/4 · $0.72').waitFor();
    await page.screenshot({ path: join(screenshots, 'live-update.png') });
  });

  it('"Orch: Plan" from the palette shows the picked roadmap\'s whole plan', async () => {
    await runCommand(page, 'Orch: Plan');
    await pickQuickItem(page, 'roadmap.md');
    await notification(page, 'Orch: planned GREETING SERVICE ROADMAP: 1 phase, 2 milestones, 7 tasks.').waitFor();
    const root = treeRow(page, 'Roadmap', 'GREETING SERVICE ROADMAP');
    await root.locator('.label-description', { hasText: 'plan · 2 milestones · 7 tasks' }).waitFor();
    await treeRow(page, 'Roadmap', '1.2 Usage Guide').waitFor();
    assert.equal(await rowDescription(treeRow(page, 'Roadmap', 'PRD-2 Usage guide')), '0/3 verified · $0.00');
    await page.screenshot({ path: join(screenshots, 'plan.png') });
  });

  it('"Orch: Add Agent" scaffolds an agent file the Agents view lists at once', async () => {
    await runCommand(page, 'Orch: Add Agent');
    await fillInput(page, 'Orch: new agent (1/3): name', 'api-designer');
    await fillInput(page, 'Orch: new agent (2/3): description', 'Designs HTTP APIs before they are built');
    await page.locator('.quick-input-widget', { hasText: 'Orch: new agent (3/3): model' }).waitFor();
    await pickQuickItem(page, 'opus');
    await notification(page, 'Orch: added agent api-designer in .orch/agents/api-designer.md.').waitFor();
    await treeRow(page, 'Agents', 'api-designer').locator('.label-description', { hasText: 'opus' }).waitFor();
    await page.locator('.tabs-container .tab', { hasText: 'api-designer.md' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'add-agent.png') });
  });
});

async function fillInput(page: Page, title: string, value: string): Promise<void> {
  const widget = page.locator('.quick-input-widget', { hasText: title });
  await widget.waitFor();
  await widget.locator('input').fill(value);
  await page.keyboard.press('Enter');
}
