import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ASK_PERSON_QUESTION, askPersonPrd, askPersonScenario } from '../support/ask-person-scenario';
import { oneAttemptWorkspace, oneMilestoneRoadmap, screenshots, useAgentWorkbench } from './e2e-workspace';
import { notification, openViewContainer, runCommand, treeRow } from './workbench';

// An agent's ask_person reaches the person as a notification; its Answer button opens an input
// box, and what is typed there goes to the waiting agent, whose same session writes it down.
const TITLE = 'ASK ROADMAP';
const QUESTION = ASK_PERSON_QUESTION;
const ANSWER = 'Use 4321';
const PRD = `${askPersonPrd('PRD-1')}# PRD-1\n`;

describe('Orch: an agent asks, the person answers from the notification (code-server)', function () {
  this.timeout(180_000);
  const e2e = useAgentWorkbench({
    prefix: 'orch-ask-e2e-',
    workspace: oneAttemptWorkspace(oneMilestoneRoadmap(TITLE, 'questions'), 'ask.md', PRD),
    scenario: askPersonScenario,
    settings: { 'orch.defaultRoadmap': 'roadmap.md' },
    env: () => ({ ANTHROPIC_API_KEY: 'sk-ant-e2e-ask' }),
  });
  let page: Page;

  before(async () => {
    ({ page } = e2e);
    await openViewContainer(page, 'Orch');
    await treeRow(page, 'Roadmap', TITLE).waitFor();
  });

  it('shows the question with Answer; the typed answer resumes the same session and the task verifies', async () => {
    await runCommand(page, 'Orch: Run');
    await page.locator('.quick-input-widget', { hasText: `Orch: run ${TITLE}` }).waitFor();
    await page.keyboard.press('Enter');

    const asked = notification(page, `Orch: PRD-1/T1 asks: ${QUESTION}`);
    await asked.waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(screenshots, 'ask-person-notice.png') });
    await asked.locator('.monaco-button', { hasText: 'Answer' }).click();
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: QUESTION }).waitFor();
    await input.fill(ANSWER);
    await page.keyboard.press('Enter');
    await notification(page, 'Orch: answer sent to PRD-1/T1').waitFor();

    await treeRow(page, 'Roadmap', 'T1 Configure the port').locator('.label-description', { hasText: /^verified/ }).waitFor({ timeout: 120_000 });
    const sessions = new Set(e2e.model.modelRequests().map((r) => r.headers['x-claude-code-session-id']));
    assert.equal(sessions.size, 1, 'the answer went into the waiting session, not a new attempt');
    const answered = e2e.model.modelRequests().some((r) => r.parsed?.messages.some((m) => m.toolResults.some((t) => t.text.includes(ANSWER))) === true);
    assert.ok(answered, 'the agent received the typed answer as its tool result');
  });
});
