import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { sampleRunEvents } from '../integration/server-harness';
import { screenshotPath } from '../support/chromium';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const HOSTILE = '<img src=x onerror="window.__pwned = true">';
const MARKDOWN = '## Findings\n\n- the handler drops errors\n- `npm test` has no case for it\n\nDetails in [the guide](https://example.com/guide); [click me](javascript:window.__pwned=1) stays text.';

describe('dashboard in a real browser: drill-down, live updates, back button', function () {
  const run = useDashboardRun('orch-e2e-', 'run-e2e', () => [
    ...sampleRunEvents(),
    { type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: `The page said ${HOSTILE} here.` } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: MARKDOWN } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'tool-call', toolUseId: 't9', name: 'Read', input: { file_path: 'src/app.ts' } } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'tool-result', toolUseId: 't9', isError: true, text: `line\n`.repeat(200) } },
    { type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'retry', attempt: 1, maxRetries: 10, delayMs: 2000, errorStatus: 529 } },
  ]);

  async function openPage(width: number): Promise<Page> {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, width);
    (page as Page & { problems?: string[] }).problems = problems;
    return page;
  }

  it('logs in through the fragment, drills Roadmap > Milestone > PRD > Task > Attempt, updates live, goes back', async () => {
    const page = await openPage(1280);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/', 'the token leaves the address bar');
    await page.locator('.connection', { hasText: 'live' }).waitFor();
    // T1 is verified, so the roadmap estimates the rest (and says it is an estimate).
    await page.getByText('ETA (estimate)').waitFor();
    await page.getByText(/^2 task\(s\) left × \S+ median ÷ 1\.0 agent\(s\)$/).waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-roadmap-1280.png'), fullPage: true });

    await page.getByRole('link', { name: 'Milestone 0.1: Milestone 0.1' }).click();
    await page.getByRole('heading', { level: 1, name: 'Milestone 0.1: Milestone 0.1' }).waitFor();
    await page.getByRole('link', { name: 'PRD-1' }).click();
    await page.getByRole('heading', { level: 1, name: 'PRD-1' }).waitFor();
    assert.equal(await page.getByRole('row').count(), 3, 'header and two task rows');
    await page.screenshot({ path: screenshotPath('dashboard-prd-1280.png'), fullPage: true });

    await page.getByRole('link', { name: 'T1: Task T1' }).click();
    await page.getByRole('heading', { level: 1, name: 'T1: Task T1' }).waitFor();
    await page.getByText('command npm test').click();
    await page.getByText('12 passing', { exact: false }).first().waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-task-1280.png'), fullPage: true });

    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'PRD-1' }).click();
    await page.getByRole('link', { name: 'T2: Task T2' }).click();
    await page.getByRole('heading', { level: 1, name: 'T2: Task T2' }).waitFor();
    assert.equal(new URL(page.url()).hash, `#/task/${encodeURIComponent('PRD-1/T2')}`);
    // The agents' messages on this task, as sanitised Markdown, oldest first.
    const messages = page.getByRole('region', { name: /^Messages/ });
    assert.deepEqual(await messages.locator('.message-meta').allInnerTexts(), ['qa-engineer, attempt #1', 'qa-engineer, attempt #1']);
    await messages.getByText(HOSTILE, { exact: false }).waitFor();
    await messages.getByRole('heading', { name: 'Findings' }).waitFor();
    assert.deepEqual(await messages.locator('.markdown').getByRole('listitem').allInnerTexts(), ['the handler drops errors', 'npm test has no case for it']);
    await page.getByRole('link', { name: 'Attempt #1' }).click();
    await page.getByRole('heading', { level: 1, name: 'T2 attempt #1' }).waitFor();
    const crumbs = await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('listitem').allInnerTexts();
    assert.deepEqual(crumbs.map((c) => c.trim()), ['Roadmap', 'Milestone 0.1: Milestone 0.1', 'PRD-1', 'T2', 'Attempt #1']);

    // Agent output is text: the markup shows literally and never runs.
    await page.getByText(HOSTILE, { exact: false }).waitFor();
    assert.equal(await page.locator('.activity-list img').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    // Markdown renders; its links open apart from the page, a javascript: link is only text.
    const guide = page.getByRole('link', { name: 'the guide' });
    assert.deepEqual([await guide.getAttribute('href'), await guide.getAttribute('target'), await guide.getAttribute('rel')], ['https://example.com/guide', '_blank', 'noopener noreferrer']);
    await page.getByText('click me', { exact: false }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'click me' }).count(), 0);
    await page.getByRole('heading', { level: 4, name: 'Findings' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'agent headings never pose as the page title');

    // Long output is cut until asked for.
    const more = page.getByRole('button', { name: /Show more/ });
    await more.click();
    await page.getByRole('button', { name: 'Show less' }).click();
    await page.getByRole('button', { name: /Show more/ }).waitFor();

    // A live event arrives without a reload (the marker survives only in the same document).
    await page.evaluate('window.__samePage = true');
    await run.log.append({ type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: 'Live update from the agent' } });
    await page.getByText('Live update from the agent').waitFor();
    assert.equal(await page.evaluate('window.__samePage'), true);
    await page.screenshot({ path: screenshotPath('dashboard-attempt-1280.png'), fullPage: true });

    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'T2: Task T2' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'PRD-1' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'T1: Task T1' }).waitFor();

    // Cancel from the page: a real same-origin POST with the token, confirmed inline.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Roadmap' }).click();
    // The run controls work from the keyboard.
    await page.getByRole('button', { name: 'Cancel run…' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Yes, cancel the run' }).click();
    await page.getByText('Cancel requested.').waitFor();
    await page.locator('.summary [data-state="cancelled"]').waitFor();
    assert.deepEqual((page as Page & { problems?: string[] }).problems, []);
    await page.close();
  });

  it('connects with a pasted token when the address carried none', async () => {
    const page = await run.browser().newPage({ viewport: { width: 390, height: 844 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(run.server.url);
    await page.getByRole('heading', { level: 1, name: 'Connect to Orch' }).waitFor();
    await page.getByLabel('Token').fill('wrong-token');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('The server refused the token', { exact: false }).waitFor();
    await page.getByLabel('Token').fill(run.server.token);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.locator('.connection', { hasText: 'live' }).waitFor();
    assert.deepEqual(problems.filter((p) => !p.includes('1008')), []);
    await page.close();
  });

  it('is usable at 390 px: no horizontal scrolling, task rows readable', async () => {
    const page = await openPage(390);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-roadmap-390.png'), fullPage: true });
    const overflow = () => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(await overflow(), 0, 'roadmap fits');
    await page.goto(`${run.server.url}#/prd/PRD-1`);
    await page.getByRole('heading', { level: 1, name: 'PRD-1' }).waitFor();
    assert.equal(await overflow(), 0, 'PRD view fits');
    await page.screenshot({ path: screenshotPath('dashboard-prd-390.png'), fullPage: true });
    await page.goto(`${run.server.url}#/attempt/${encodeURIComponent('PRD-1/T2#1')}`);
    await page.getByRole('heading', { level: 1, name: 'T2 attempt #1' }).waitFor();
    assert.equal(await overflow(), 0, 'attempt view fits');
    await page.screenshot({ path: screenshotPath('dashboard-attempt-390.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenshotPath('dashboard-attempt-390-dark.png'), fullPage: true });

    // A long session renders its latest 200 entries; older ones come on request.
    await Promise.all(Array.from({ length: 250 }, (_, n) => run.log.append({ type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: `entry ${n}` } })));
    await page.getByText('entry 249', { exact: true }).waitFor();
    assert.equal(await page.locator('.activity-list > li').count(), 200);
    await page.getByRole('button', { name: 'Show 55 earlier entries (55 hidden)' }).click();
    assert.equal(await page.locator('.activity-list > li').count(), 255);
    await page.close();
  });
});
