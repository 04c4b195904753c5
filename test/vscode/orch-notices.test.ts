import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { finish, promptIncludes, route, type Scenario } from '../../src/scripted-model/scenarios';
import { analystPrd, oneAttemptWorkspace, oneMilestoneRoadmap, openaiAgentEnv, screenshots, useAgentWorkbench } from './e2e-workspace';
import { notification, openViewContainer, runCommand, treeRow } from './workbench';

// The notices' buttons do the obvious next thing: a run refused for a missing OpenAI key asks for
// that key (no provider to pick), a blocked task is run again from its notice. Both tasks share a
// phase, so T2's block does not hold T1 back at a phase gate.
const openaiKey = `sk-proj-e2e-notice-${Date.now().toString(36)}`;
const TITLE = 'NOTICE ROADMAP';

const ROADMAP = oneMilestoneRoadmap(TITLE, 'notices');

const PRD = analystPrd('Notices', 'implementation');

/** Claude agents write their files, except when told `b.txt` fails (they answer without writing). */
function scenario(failB: boolean): Scenario {
  return route([...(failB ? [{ when: promptIncludes('`b.txt`'), then: finish('Done.') }] : []), { when: (r) => r.api === 'openai', then: finish('# Analysis\n') }], demoScenario);
}

function toastButton(page: Page, text: string, button: string): Locator {
  return notification(page, text).locator('.monaco-button', { hasText: button });
}

describe('Orch notices: Set API Key and Retry Task (code-server)', function () {
  this.timeout(180_000);
  const e2e = useAgentWorkbench({
    prefix: 'orch-notices-e2e-',
    workspace: oneAttemptWorkspace(ROADMAP, 'notices.md', PRD),
    scenario: scenario(true),
    settings: { 'orch.parallel': 2, 'orch.defaultRoadmap': 'roadmap.md' },
    env: openaiAgentEnv('sk-ant-e2e-notices'),
  });
  let page: Page;
  const rootState = (state: string) => treeRow(page, 'Roadmap', TITLE).locator('.label-description', { hasText: new RegExp(`^${state} ·`) });

  before(async () => {
    ({ page } = e2e);
    await openViewContainer(page, 'Orch');
    await treeRow(page, 'Roadmap', TITLE).locator('.label-description', { hasText: 'plan · 1 milestone · 2 tasks' }).waitFor();
  });

  it('a run refused by preflight for the missing OpenAI key offers Set API Key, which asks for that key only', async () => {
    const before = e2e.model.modelRequests().length;
    await runCommand(page, 'Orch: Run');
    await page.locator('.quick-input-widget', { hasText: `Orch: run ${TITLE}` }).waitFor();
    await page.keyboard.press('Enter');
    const refused = 'OPENAI_API_KEY is not set, and the OpenAI agents of PRD-1/T1 need it';
    await notification(page, refused).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(screenshots, 'notices-needs-input.png') });
    assert.equal(e2e.model.modelRequests().length, before, 'nothing was spent before the key was there');

    await toastButton(page, refused, 'Set API Key').click();
    // Straight to the key's input: the notice named the provider, so there is nothing to pick.
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor();
    await page.locator('.quick-input-widget', { hasText: 'Orch: OpenAI API key' }).waitFor();
    await input.fill(openaiKey);
    await page.keyboard.press('Enter');
    await notification(page, 'Orch: OpenAI API key saved.').waitFor();
  });

  it('with the key set the run goes, and a blocked task\'s notice runs it again with Retry Task', async () => {
    await runCommand(page, 'Orch: Run');
    await page.locator('.quick-input-widget', { hasText: `Orch: run ${TITLE}` }).waitFor();
    await page.keyboard.press('Enter');
    await rootState('failed').waitFor({ timeout: 120_000 });
    await notification(page, 'Orch: PRD-1/T2 is blocked').waitFor();
    await treeRow(page, 'Roadmap', 'T1 Write the analysis').locator('.label-description', { hasText: /^verified/ }).waitFor();
    const openai = e2e.model.modelRequests().filter((r) => r.parsed?.api === 'openai');
    assert.ok(openai.length > 0 && openai.every((r) => r.headers.authorization === `Bearer ${openaiKey}`), 'the OpenAI agent used the key from Set API Key');

    e2e.model.setScenario(scenario(false));
    const before = e2e.model.modelRequests().length;
    await toastButton(page, 'Orch: PRD-1/T2 is blocked', 'Retry Task').click();
    await treeRow(page, 'Roadmap', 'T2 Make b.txt').locator('.label-description', { hasText: /^verified/ }).waitFor({ timeout: 120_000 });
    const retried = e2e.model.modelRequests().slice(before);
    assert.ok(retried.length > 0 && retried.every((r) => r.parsed?.api !== 'openai' && /`b\.txt`/.test(r.parsed?.userText ?? '')), 'only T2 ran again');
    await page.screenshot({ path: join(screenshots, 'notices-retried.png') });
  });
});
