import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { costing, finish, promptIncludes, route, slow, type Scenario } from '../../src/scripted-model/scenarios';
import { analystPrd, filesContaining, oneAttemptWorkspace, oneMilestoneRoadmap, openaiAgentEnv, screenshots, useAgentWorkbench, waitUntil } from './e2e-workspace';
import { notification, openViewContainer, pickQuickItem, runCommand, runCommandFromSidebar, treeRow } from './workbench';

// Pause and resume a live run and retry a blocked task from the tree's inline actions; the OpenAI
// key set through "Orch: Set API Key" reaches the OpenAI-routed agent and nothing else; "Open
// Dashboard in Browser" serves the run on 127.0.0.1 with its token.
const openaiKey = `sk-proj-e2e-${Date.now().toString(36)}-secret`;
const TITLE = 'CONTROL ROADMAP';

const ROADMAP = oneMilestoneRoadmap(TITLE, 'pause, retry and keys');

const PRD = analystPrd('Control', 'requirements', `  - id: T3
    title: Make c.txt
    description: Create c.txt.
    agent: backend-engineer
    phase: implementation
    verify:
      - file: c.txt
  - id: T4
    title: Make d.txt
    description: Create d.txt.
    agent: backend-engineer
    phase: implementation
    depends: [T2]
    verify:
      - file: d.txt
  - id: T5
    title: Make e.txt
    description: Create e.txt.
    agent: backend-engineer
    phase: implementation
    depends: [T4]
    verify:
      - file: e.txt
`);

/**
 * T2's model calls wait until the test has asked for the pause, so the pause lands while T2 runs
 * and T4 (which waits on T2) is held back, however long the clicks take on a loaded machine
 * (seen in CI: T2 finished and T4 ran before the Pause click reached Orch).
 */
let pauseAsked: () => void = () => undefined;
const asked = new Promise<void>((resolve) => (pauseAsked = resolve));

/** The OpenAI agent answers; Claude agents write their files slowly (time to pause), except those of `failing` files. */
function scenario(failing: readonly string[]): Scenario {
  const paced = slow(800, demoScenario);
  return route(
    [
      { when: (r) => r.api === 'openai', then: costing({ inputTokens: 2_000, outputTokens: 300 }, finish('# Analysis\n\nGreets people.\n')) },
      ...failing.map((file) => ({ when: promptIncludes(`\`${file}\``), then: finish('Done.') })),
      { when: promptIncludes('`b.txt`'), then: async (request, context) => {
        await asked;
        return paced(request, context);
      } },
    ],
    paced,
  );
}

function inlineAction(page: Page, row: Locator, title: string): Locator {
  return row.locator(`.actions .action-label[aria-label^="${title}"]`);
}

/** runCommand, once no tree hover (a row's tooltip) covers the editor area it clicks. */
async function palette(page: Page, title: string): Promise<void> {
  await page.mouse.move(900, 600);
  await page.locator('.context-view .hover-contents').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => page.keyboard.press('Escape'));
  await runCommand(page, title);
}

/**
 * A row's inline actions show only while the pointer is on it; a live run redraws the row on its
 * events and the row's tooltip can come up over it, so hover afresh until the click lands.
 */
async function clickInline(page: Page, row: Locator, title: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.mouse.move(900, 600);
    await row.hover();
    try {
      await inlineAction(page, row, title).click({ timeout: 2_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

describe('Orch: Pause, Resume, Retry Task, the OpenAI key and the browser dashboard (code-server)', function () {
  this.timeout(180_000);
  const e2e = useAgentWorkbench({
    prefix: 'orch-control-e2e-',
    // One attempt per task, so T3 is blocked at once; the retry is the user's.
    workspace: oneAttemptWorkspace(ROADMAP, 'control.md', PRD),
    scenario: scenario(['c.txt', 'e.txt']),
    settings: { 'orch.parallel': 2, 'orch.defaultRoadmap': 'roadmap.md', 'orch.dashboardPort': 0 },
    env: openaiAgentEnv('sk-ant-e2e-control'),
  });
  let page: Page;
  let workspace: string;

  before(async () => {
    ({ page, workspace } = e2e);
    await openViewContainer(page, 'Orch');
    await treeRow(page, 'Roadmap', TITLE).locator('.label-description', { hasText: 'plan · 1 milestone · 5 tasks' }).waitFor();
  });

  const rootRow = () => treeRow(page, 'Roadmap', TITLE);
  const rootState = (state: string) => rootRow().locator('.label-description', { hasText: new RegExp(`^${state} ·`) });

  it('pauses a live run from the tree (running tasks finish, no task starts, the process waits) and resumes it from the palette', async () => {
    await runCommand(page, 'Orch: Set API Key');
    await pickQuickItem(page, 'OpenAI');
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor();
    await input.fill(openaiKey);
    await page.keyboard.press('Enter');
    await notification(page, 'Orch: OpenAI API key saved.').waitFor();

    await runCommand(page, 'Orch: Run');
    await page.locator('.quick-input-widget', { hasText: `Orch: run ${TITLE}` }).waitFor();
    await page.keyboard.press('Enter');
    await rootState('running').waitFor({ timeout: 60_000 });
    // Pause once the implementation tasks are under way, so the pause has work to wait for.
    await page.locator('.monaco-list[aria-label="Roadmap"] .custom-view-tree-node-item-icon.codicon-sync').first().waitFor({ timeout: 60_000 });
    await e2e.model.waitFor((r) => r.parsed?.api !== 'openai' && /`b\.txt`|`c\.txt`/.test(r.parsed?.userText ?? ''), 60_000);
    await rootRow().hover();
    await inlineAction(page, rootRow(), 'Pause').waitFor();
    await page.screenshot({ path: join(screenshots, 'control-running.png') });
    await clickInline(page, rootRow(), 'Pause');
    await notification(page, 'Orch: pausing run').waitFor();
    // The notification follows the signal to Orch's process, so the pause is in before T2 can end.
    pauseAsked();
    await rootState('paused').waitFor({ timeout: 60_000 });
    const events = () => readFileSync(join(workspace, '.orch', 'runs', readdirSync(join(workspace, '.orch', 'runs'))[0]!, 'events.jsonl'), 'utf8');
    assert.match(events(), /"type":"run\.paused","reason":"user"/);
    const requestsWhenPaused = e2e.model.modelRequests().length;
    await rootRow().hover();
    await inlineAction(page, rootRow(), 'Resume').waitFor();
    await page.screenshot({ path: join(screenshots, 'control-paused.png') });
    assert.equal(await inlineAction(page, rootRow(), 'Pause').count(), 0, 'a paused run offers Resume, not Pause');
    await treeRow(page, 'Roadmap', 'T4 Make d.txt').locator('.label-description', { hasText: /^pending/ }).waitFor();
    // Read after the page's round trips above, not after a fixed wait; the final log's order below is the proof.
    assert.equal(e2e.model.modelRequests().length, requestsWhenPaused, 'no agent works while the run is paused');
    const atResume = events();

    await palette(page, 'Orch: Resume');
    // The log, not the toast: with the run's blocked-task notices coming in, VS Code may fold the
    // short-lived "resuming" toast away before it is seen.
    await waitUntil(() => events().includes('"type":"run.resumed"'), 60_000, () => `no run.resumed after Orch: Resume:\n${events().slice(-600)}`);
    // T3 and T5 never get their files written and have one attempt each: the run ends failed.
    await rootState('failed').waitFor({ timeout: 120_000 });
    const log = events().trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; taskId?: string });
    const paused = log.findIndex((e) => e.type === 'run.paused');
    const resumed = log.findIndex((e) => e.type === 'run.resumed');
    assert.ok(paused > 0 && resumed > paused, 'paused, then resumed');
    assert.ok(resumed >= atResume.trimEnd().split('\n').length, 'resumed only after Orch: Resume');
    assert.deepEqual(log.slice(paused, resumed).filter((e) => e.type === 'attempt.started'), [], 'no attempt started while paused');
    assert.ok(log.slice(resumed).some((e) => e.type === 'attempt.started' && e.taskId === 'PRD-1/T4'), 'T4 ran after the resume');
    await treeRow(page, 'Roadmap', 'T3 Make c.txt').locator('.label-description', { hasText: /^blocked/ }).waitFor();
    await treeRow(page, 'Roadmap', 'T5 Make e.txt').locator('.label-description', { hasText: /^blocked/ }).waitFor();
  });

  it('retries one blocked task from its inline action and the other from the palette\'s pick, and the run completes', async () => {
    e2e.model.setScenario(scenario([]));
    const t3 = treeRow(page, 'Roadmap', 'T3 Make c.txt');
    await t3.hover();
    await inlineAction(page, t3, 'Retry Task').waitFor();
    await page.screenshot({ path: join(screenshots, 'control-retry-task.png') });
    const verifiedRow = treeRow(page, 'Roadmap', 'T2 Make b.txt');
    await verifiedRow.hover();
    assert.equal(await inlineAction(page, verifiedRow, 'Retry Task').count(), 0, 'a verified task offers no retry');
    const before = e2e.model.modelRequests().length;

    await clickInline(page, t3, 'Retry Task');
    await treeRow(page, 'Roadmap', 'T3 Make c.txt').locator('.label-description', { hasText: /^verified/ }).waitFor({ timeout: 120_000 });
    await rootState('failed').waitFor({ timeout: 60_000 });
    await treeRow(page, 'Roadmap', 'T5 Make e.txt').locator('.label-description', { hasText: /^blocked/ }).waitFor();
    const retried = e2e.model.modelRequests().slice(before);
    assert.ok(retried.length > 0 && retried.every((r) => /`c\.txt`/.test(r.parsed?.userText ?? '')), 'only T3 ran again');

    await palette(page, 'Orch: Retry Task');
    const pick = page.locator('.quick-input-widget', { hasText: 'Orch: retry tasks of run' });
    await pick.waitFor();
    // Only what stopped unverified is offered: T5 now.
    const rows = pick.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /PRD-1\/T5.*blocked · Make e\.txt.*not verified after 1 attempts/);
    await rows.first().locator('.label-name', { hasText: 'PRD-1/T5' }).click();
    await pick.locator('.quick-input-count', { hasText: '1 Selected' }).waitFor();
    await pick.locator('.monaco-button', { hasText: 'OK' }).click();
    await pick.waitFor({ state: 'hidden' });
    await rootState('completed').waitFor({ timeout: 120_000 });
    await rootRow().locator('.label-description', { hasText: '5/5 verified' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'control-retried.png') });
  });

  it('the OpenAI key set through the command reached the OpenAI agent\'s request and appears in no file, log or webview', async () => {
    const openaiRequests = e2e.model.modelRequests().filter((r) => r.parsed?.api === 'openai');
    assert.ok(openaiRequests.length >= 1, 'the business analyst asked the OpenAI API');
    assert.ok(openaiRequests.every((r) => r.path.endsWith('/chat/completions')), openaiRequests.map((r) => r.path).join(', '));
    assert.deepEqual([...new Set(openaiRequests.map((r) => r.headers.authorization))], [`Bearer ${openaiKey}`]);
    assert.ok(!e2e.model.modelRequests().some((r) => r.parsed?.api !== 'openai' && JSON.stringify(r.headers).includes(openaiKey)), 'Claude agents never got the OpenAI key');

    await palette(page, 'Orch: Open Dashboard');
    const view = page.frameLocator('iframe.webview.ready[src*="extensionId=orch-dev.orch"]:visible').frameLocator('#active-frame');
    await view.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const webviewHtml = await view.locator('html').evaluate((el) => el.outerHTML);
    assert.ok(!webviewHtml.includes(openaiKey), 'the key is not in the webview');
    const leaks = [...filesContaining(join(workspace, '.orch'), openaiKey), ...filesContaining(join(e2e.vscode.runDir, 'ud', 'logs'), openaiKey), ...filesContaining(join(workspace, 'docs'), openaiKey)];
    assert.deepEqual(leaks, []);
    assert.ok(!e2e.vscode.outputChannel('Orch').includes(openaiKey));
  });

  it('"Orch: Open Dashboard in Browser" starts the 127.0.0.1 server once and its URL with the token shows the run', async () => {
    const context = page.context();
    const popups: Page[] = [];
    context.on('page', (p) => popups.push(p));
    const serverFile = join(workspace, '.orch', 'dashboard.json');
    assert.equal(existsSync(serverFile), false);
    await runCommandFromSidebar(page, 'Orch: Open Dashboard in Browser');
    await waitUntil(() => existsSync(serverFile), 30_000, () => `no ${serverFile}`);
    const server = JSON.parse(readFileSync(serverFile, 'utf8')) as { url: string; token: string; port: number };
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(server.token, /^[0-9a-f]{32}$/);
    assert.equal(statSync(serverFile).mode & 0o777, 0o600);
    // code-server asks before opening an external link: answer it, or take the tab it opened.
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) {
      await page.screenshot({ path: join(screenshots, 'control-open-external.png') });
      await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    }
    for (const popup of popups) await popup.close();

    const browserPage = await context.newPage();
    try {
      await browserPage.goto(`${server.url}#token=${server.token}`);
      await browserPage.getByRole('heading', { level: 1, name: TITLE }).waitFor();
      const runId = readdirSync(join(workspace, '.orch', 'runs'))[0]!;
      await browserPage.locator('.footer', { hasText: `Run ${runId}` }).waitFor();
      await browserPage.screenshot({ path: join(screenshots, 'control-browser-dashboard.png') });
      assert.ok(!(await browserPage.content()).includes(openaiKey));
    } finally {
      await browserPage.close();
    }

    // A second command reuses the running server rather than starting another.
    await page.bringToFront();
    // The command has run when code-server asks about the external link or opens it.
    const prompted = dialog.waitFor({ timeout: 30_000 }).then(() => true, () => false);
    const tabOpened = context.waitForEvent('page', { timeout: 30_000 }).then(() => true, () => false);
    await runCommandFromSidebar(page, 'Orch: Open Dashboard in Browser');
    assert.ok(await Promise.race([prompted, tabOpened]), 'neither a prompt for the external link nor a new tab');
    if (await dialog.isVisible().catch(() => false)) await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    assert.equal((JSON.parse(readFileSync(serverFile, 'utf8')) as { token: string }).token, server.token);
  });
});
