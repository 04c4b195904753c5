import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { textReply } from '../../src/scripted-model/reply';
import { useTool, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { oneAttemptWorkspace, oneMilestoneRoadmap, screenshots, useAgentWorkbench } from './e2e-workspace';
import { notification, openViewContainer, runCommand, treeRow } from './workbench';

// An agent's ask_person reaches the person as a notification; its Answer button opens an input
// box, and what is typed there goes to the waiting agent, whose same session writes it down.
const TITLE = 'ASK ROADMAP';
const QUESTION = 'Which port should the API listen on?';
const ANSWER = 'Use 4321';

const PRD = `---
id: PRD-1
milestone: "1.1"
title: Ask the person
tasks:
  - id: T1
    title: Configure the port
    description: Ask which port to use, then write it to port.txt.
    agent: backend-engineer
    verify:
      - command: grep -q 4321 port.txt
---
# PRD-1
`;

/** Asks, then writes whatever the answer said into port.txt. */
const scenario: Scenario = (request, context) => {
  const results = request.messages.flatMap((m) => m.toolResults);
  const answer = results.find((r) => r.text.includes('The person answered'));
  if (answer === undefined) return useTool('mcp__orch__ask_person', { question: QUESTION })(request, context);
  if (!results.some((r) => r.text.includes('port.txt'))) return writeTool('port.txt', `${answer.text}\n`)(request, context);
  return textReply('Wrote port.txt.');
};

describe('Orch: an agent asks, the person answers from the notification (code-server)', function () {
  this.timeout(180_000);
  const e2e = useAgentWorkbench({
    prefix: 'orch-ask-e2e-',
    workspace: oneAttemptWorkspace(oneMilestoneRoadmap(TITLE, 'questions'), 'ask.md', PRD),
    scenario,
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
