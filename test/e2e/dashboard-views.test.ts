import { strict as assert } from 'node:assert';
import type { Locator, Page } from 'playwright-core';
import type { NewEvent } from '../../src/protocol/events';
import { sampleRoadmap } from '../integration/server-harness';
import { screenshotPath } from '../support/chromium';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

const DEFECT = 'command npm test failed: 2 failing (expected 200, got 500)';
/** As long as the ids `orch run` gives its runs, so the run selector is tried at its real width. */
const RUN_ID = '20261125T001233-0d0b99';
const SESSION = 'fc07a733-3e49-480b-80f1-d92bf86ad536';

/**
 * A run the router worked on: T1 routed by the router, fell back from sonnet to haiku when
 * sonnet was overloaded, got a defect and was reworked (reported then estimated cost); T2 runs
 * now; PRD-2/T1 is pinned to opus and runs now.
 */
function routedRunEvents(): NewEvent[] {
  return [
    { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [], budgetUsd: 5 },
    { type: 'plan.loaded', roadmap: sampleRoadmap },
    { type: 'task.assigned', taskId: 'PRD-1/T1', agent: 'backend-engineer', model: 'sonnet', phase: 'implementation', reason: 'phase' },
    {
      type: 'model.routed',
      taskId: 'PRD-1/T1',
      model: 'sonnet',
      source: 'router',
      complexity: 0.42,
      reasons: ['phase implementation', '3 checks and 1 dependency', 'haiku expected below the 80% first-pass target'],
      alternatives: [
        { model: 'haiku', expectedFirstPass: 0.61, expectedCostUsd: 0.08 },
        { model: 'sonnet', expectedFirstPass: 0.86, expectedCostUsd: 0.31 },
        { model: 'opus', expectedFirstPass: 0.93, expectedCostUsd: 1.55 },
      ],
    },
    { type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'succeeded', durationMs: 12_400, evidencePath: `.orch/runs/${RUN_ID}/evidence/PRD-1-T1-setup.log`, included: 1, ahead: true },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'backend-engineer', model: 'sonnet', prompt: 'Build T1' },
    { type: 'model.fellBack', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', from: 'sonnet', to: 'haiku', reason: 'overloaded', costUsdBefore: 0.05 },
    { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0.25, costSource: 'reported', modelUsed: 'haiku', inputTokens: 900, outputTokens: 200, durationMs: 4000 },
    { type: 'task.verifying', taskId: 'PRD-1/T1' },
    { type: 'defect.raised', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', reason: DEFECT, checks: [{ check: 'command npm test', passed: false, detail: '2 failing' }] },
    { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#2', agent: 'backend-engineer', model: 'sonnet', prompt: 'Fix T1' },
    { type: 'attempt.finished', attemptId: 'PRD-1/T1#2', outcome: 'succeeded', costUsd: 0.15, costSource: 'estimated', modelUsed: 'sonnet', inputTokens: 700, outputTokens: 150, durationMs: 3000 },
    { type: 'task.verifying', taskId: 'PRD-1/T1' },
    { type: 'task.verified', taskId: 'PRD-1/T1', checks: [{ check: 'command npm test', passed: true, detail: '12 passing' }], basis: 'checks' },
    { type: 'model.routed', taskId: 'PRD-1/T2', model: 'haiku', source: 'agent', complexity: 0.1, reasons: ["qa-engineer's agent file names haiku"], alternatives: [] },
    { type: 'attempt.started', taskId: 'PRD-1/T2', attemptId: 'PRD-1/T2#1', agent: 'qa-engineer', model: 'haiku', prompt: 'Test T2' },
    { type: 'model.routed', taskId: 'PRD-2/T1', model: 'opus', source: 'pin', complexity: 0.8, reasons: ['the PRD pins opus'], alternatives: [] },
    { type: 'attempt.started', taskId: 'PRD-2/T1', attemptId: 'PRD-2/T1#1', agent: 'architect', model: 'opus', prompt: 'Design' },
  ];
}

describe('dashboard in a real browser: costs, agents and why a model was chosen', function () {
  const run = useDashboardRun('orch-e2e-views-', RUN_ID, routedRunEvents);

  async function openPage(width: number, route = '#/', options: { readonly fakeClock?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, width, options);
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    if (route !== '#/') await page.goto(`${run.server.url}${route}`);
    return { page, problems };
  }

  function overflow(page: Page): Promise<unknown> {
    return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  }

  /** The cells of the row whose header is `name` in the table of the section labelled `section`. */
  async function rowCells(page: Page, section: string, name: string): Promise<string[]> {
    const row = page.getByRole('region', { name: section }).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    return (await row.getByRole('cell').allInnerTexts()).map((c) => c.trim());
  }

  it('costs view: by model, agent, phase, PRD and milestone, reported and estimated apart, quality per model and role', async () => {
    const { page, problems } = await openPage(1280);
    // The roadmap's bars come from the same breakdown as the Costs view.
    await page.getByRole('region', { name: 'Cost by model' }).getByText('$0.2000 · 50% · 2 attempt(s) · $0.1500 estimated').waitFor();
    await page.getByRole('navigation', { name: 'Run views' }).getByRole('link', { name: 'Costs and quality' }).click();
    await page.getByRole('heading', { level: 1, name: 'Costs and quality' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/costs');
    const crumbs = await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('listitem').allInnerTexts();
    assert.deepEqual(crumbs.map((c) => c.trim()), ['Roadmap', 'Costs and quality']);

    // The fallback split attempt #1's $0.25: $0.05 on sonnet before the switch, $0.20 on haiku;
    // the attempt counts once, on the model it started on.
    assert.deepEqual(await rowCells(page, 'Cost by model', 'haiku'), ['50%', '$0.2000', '$0.2000', '$0.00', '0']);
    assert.deepEqual(await rowCells(page, 'Cost by model', 'sonnet'), ['50%', '$0.2000', '$0.0500', '$0.1500', '2']);
    assert.deepEqual(await rowCells(page, 'Cost by agent', 'backend-engineer'), ['100%', '$0.4000', '$0.2500', '$0.1500', '2']);
    assert.deepEqual(await rowCells(page, 'Cost by phase', 'implementation'), ['100%', '$0.4000', '$0.2500', '$0.1500', '2']);
    assert.deepEqual(await rowCells(page, 'Cost by PRD', 'PRD-1'), ['100%', '$0.4000', '$0.2500', '$0.1500', '2']);
    assert.deepEqual(await rowCells(page, 'Cost by milestone', '0.1'), ['100%', '$0.4000', '$0.2500', '$0.1500', '2']);
    await page.getByText('2 running attempt(s) are not counted until they finish.').waitFor();

    // T1 needed a rework after a defect, so no first pass; it is verified for $0.40.
    assert.deepEqual(await rowCells(page, 'Quality by model', 'sonnet'), ['1', '1', '0% (0 of 1)', '1', '$0.4000', '$0.4000']);
    assert.deepEqual(await rowCells(page, 'Quality by role', 'backend-engineer'), ['1', '1', '0% (0 of 1)', '1', '$0.4000', '$0.4000']);
    await page.screenshot({ path: screenshotPath('dashboard-costs-1280.png'), fullPage: true });

    // Rows link to their level.
    await page.getByRole('region', { name: 'Cost by PRD' }).getByRole('link', { name: 'PRD-1' }).click();
    await page.getByRole('heading', { level: 1, name: 'PRD-1' }).waitFor();
    // The PRD's dependency graph, as layers: T2 waits on T1.
    const layers = await page.locator('.layers > li').allInnerTexts();
    assert.equal(layers.length, 2);
    assert.match(layers[0] ?? '', /^Layer 1\s+T1\s+✓\s*verified$/);
    assert.match(layers[1] ?? '', /^Layer 2\s+T2\s+▶\s*running\s+after T1$/);
    await page.screenshot({ path: screenshotPath('dashboard-prd-graph-1280.png'), fullPage: true });
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Costs and quality' }).waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('agents view: who is doing what now, updated live', async () => {
    const { page, problems } = await openPage(1280);
    await page.getByRole('link', { name: 'Agents (2 working)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
    await page.getByText('2 attempt(s) running now.').waitFor();
    const qa = page.getByRole('region', { name: 'Agent qa-engineer' });
    await qa.getByRole('link', { name: 'T2 #1: Task T2' }).waitFor();
    await qa.getByText('haiku', { exact: true }).waitFor();
    const architect = page.getByRole('region', { name: 'Agent architect' });
    await architect.getByRole('link', { name: 'T1 #1: Task T1' }).waitFor();
    await architect.getByText('opus', { exact: true }).waitFor();
    const backend = page.getByRole('region', { name: 'Agent backend-engineer' });
    await backend.getByText('idle · 2 finished attempt(s)').waitFor();
    // The registry, asked for over the socket: description, model, provider, team, phases.
    await backend.getByText(/^Backend engineer\. Use for server-side work/).waitFor();
    await backend.getByText('sonnet · claude', { exact: true }).waitFor();
    await backend.getByText('engineering', { exact: true }).waitFor();
    await backend.getByText('implementation', { exact: true }).waitFor();
    await qa.getByText('busy now').waitFor();
    await architect.getByText('Not in the agent registry (a run-time or renamed agent).').waitFor();
    const cto = page.getByRole('region', { name: 'Agent cto' });
    await cto.getByText('idle · 0 finished attempt(s)').waitFor();
    await cto.getByText('opus · claude', { exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-agents-1280.png'), fullPage: true });

    await run.log.append({ type: 'attempt.finished', attemptId: 'PRD-1/T2#1', outcome: 'succeeded', costUsd: 0.02, costSource: 'reported', inputTokens: 10, outputTokens: 5, durationMs: 100 });
    await qa.getByText('idle · 1 finished attempt(s)').waitFor();
    await page.getByText('1 attempt(s) running now.').waitFor();

    await architect.getByRole('link', { name: 'T1 #1: Task T1' }).click();
    await page.getByRole('heading', { level: 1, name: 'T1 attempt #1' }).waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('task page: why this model, the fallback with cost per model, the last defect', async () => {
    const { page, problems } = await openPage(1280, `#/task/${encodeURIComponent('PRD-1/T1')}`);
    await page.getByRole('heading', { level: 1, name: 'T1: Task T1' }).waitFor();
    const why = page.getByRole('region', { name: 'Why this model' });
    await why.getByText("the router's choice").waitFor();
    await why.getByText('0.42').waitFor();
    await why.getByText('haiku expected below the 80% first-pass target').waitFor();
    const considered = page.getByRole('table', { name: 'Models considered' });
    assert.deepEqual(await considered.getByRole('rowheader').allInnerTexts(), ['haiku', 'sonnet', 'opus']);
    assert.deepEqual(await rowCells(page, 'Why this model', 'sonnet'), ['86%', '$0.3100', '✓ chosen']);
    assert.deepEqual(await rowCells(page, 'Why this model', 'opus'), ['93%', '$1.55', 'no']);
    await why.getByText('Attempt #1: sonnet → haiku').waitFor();
    await why.getByText('sonnet: $0.0500').waitFor();
    await why.getByText('haiku: $0.2000').waitFor();
    await why.getByText('Reason: overloaded').waitFor();
    await page.getByText('Last defect (1 raised):').waitFor();
    const setup = page.getByRole('region', { name: 'Worktree setup' });
    assert.deepEqual(
      (await setup.locator('.summary > div').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()),
      ['Outcome ✓ succeeded', 'Command npm ci', 'Duration 12.4 s', 'Ran ahead, while the task waited for a slot', 'Copied by .worktreeinclude 1 path'],
    );
    await setup.getByText(`.orch/runs/${RUN_ID}/evidence/PRD-1-T1-setup.log`).waitFor();
    await page.getByRole('link', { name: 'Attempt #1' }).click();
    await page.getByRole('heading', { level: 1, name: 'T1 attempt #1' }).waitFor();
    const fallback = await page.locator('.summary div', { has: page.getByText('Fallback', { exact: true }) }).innerText();
    assert.deepEqual(fallback.split('\n').map((l) => l.trim()).filter((l) => l !== ''), ['Fallback', 'sonnet → haiku', 'Reason: overloaded', 'sonnet: $0.0500', 'haiku: $0.2000']);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'T1: Task T1' }).waitFor();
    await page.getByText(DEFECT).first().waitFor();
    await page.screenshot({ path: screenshotPath('dashboard-task-why-1280.png'), fullPage: true });

    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-2/T1')}`);
    await page.getByRole('heading', { level: 1, name: 'T1: Task T1' }).waitFor();
    await page.getByRole('region', { name: 'Why this model' }).getByText('pinned by the PRD (never overridden)').waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('fits 390 px: costs, agents and task pages without horizontal scrolling', async () => {
    const { page, problems } = await openPage(390, '#/costs');
    await page.getByRole('heading', { level: 1, name: 'Costs and quality' }).waitFor();
    assert.equal(await overflow(page), 0, 'costs view fits');
    await page.screenshot({ path: screenshotPath('dashboard-costs-390.png'), fullPage: true });
    await page.goto(`${run.server.url}#/agents`);
    await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
    assert.equal(await overflow(page), 0, 'agents view fits');
    await page.screenshot({ path: screenshotPath('dashboard-agents-390.png'), fullPage: true });
    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-1/T1')}`);
    await page.getByRole('region', { name: 'Why this model' }).waitFor();
    assert.equal(await overflow(page), 0, 'task view fits');
    await page.screenshot({ path: screenshotPath('dashboard-task-why-390.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });

  /** How many lines the text of the `dd` after the term `term` takes in the attempt's summary. */
  function summaryLines(page: Page, term: string): Promise<unknown> {
    return page.evaluate(`(() => {
      const dt = [...document.querySelectorAll('.summary dt')].find((d) => d.textContent.trim() === ${JSON.stringify(term)});
      const dd = dt.nextElementSibling;
      return Math.round(dd.getBoundingClientRect().height / parseFloat(getComputedStyle(dd).lineHeight));
    })()`);
  }

  /** Room left in the run selector once its label and its arrow are drawn (negative: clipped). */
  function pickerRoom(page: Page): Promise<unknown> {
    return page.evaluate(`(() => {
      const select = document.querySelector('.run-picker select');
      const style = getComputedStyle(select);
      const context = document.createElement('canvas').getContext('2d');
      context.font = style.font;
      const text = context.measureText(select.selectedOptions[0].text).width;
      // Chromium draws its native arrow (about 20 px) inside the box's content, over the label.
      const arrow = style.appearance === 'none' ? 0 : 20;
      return Math.floor(select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrow - text);
    })()`);
  }

  it('attempt page at 1280 px: a session id and a long model name each on one line; at 390 px they break to fit', async () => {
    await run.log.append({ type: 'attempt.finished', attemptId: 'PRD-2/T1#1', outcome: 'succeeded', costUsd: 0.9, costSource: 'reported', sessionId: SESSION, modelUsed: 'claude-opus-4-1-20250805', inputTokens: 2000, outputTokens: 400, durationMs: 9000 });
    const { page, problems } = await openPage(1280, `#/attempt/${encodeURIComponent('PRD-2/T1#1')}`);
    await page.getByRole('heading', { level: 1, name: 'T1 attempt #1' }).waitFor();
    await page.getByText(SESSION, { exact: true }).waitFor();
    assert.equal(await summaryLines(page, 'Session'), 1, 'the session id keeps to one line');
    assert.equal(await summaryLines(page, 'Model'), 1, 'the model and the model it ran keep to one line');
    await page.screenshot({ path: screenshotPath('dashboard-attempt-meta-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { level: 1, name: 'T1 attempt #1' }).waitFor();
    assert.equal(await overflow(page), 0, 'the attempt page fits 390 px');
    await page.screenshot({ path: screenshotPath('dashboard-attempt-meta-390.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('running times count up live; an attempt with no answer yet says it waits; only those texts change on a tick', async () => {
    const { page, problems } = await openPage(1280, `#/attempt/${encodeURIComponent('PRD-1/T2#1')}`, { fakeClock: true });
    await page.getByRole('heading', { level: 1, name: 'T2 attempt #1' }).waitFor();
    const activity = page.getByRole('region', { name: /^Activity/ });
    await activity.getByText(/^Waiting for the model's first answer… \(started \d+s ago\)$/).waitFor();
    const duration = page.locator('.summary div', { has: page.getByText('Duration', { exact: true }) }).locator('dd');
    // Each tick rewrites the live texts and nothing else on the page.
    await page.evaluate(`(() => {
      const changed = (window.__changed = new Set());
      new MutationObserver((records) => {
        for (const r of records) {
          const element = r.target.nodeType === Node.TEXT_NODE ? r.target.parentElement : r.target;
          changed.add(element.closest('dd, p, li, h1, h2')?.outerHTML.slice(0, 40) ?? element.tagName);
        }
      }).observe(document.querySelector('main'), { childList: true, subtree: true, characterData: true, attributes: true });
    })()`);
    // A tick is a change from what the page showed first; a loaded machine may open the page late
    // or run its timer late, so the seconds seen are neither small nor consecutive.
    const seconds = async (cell: Locator): Promise<number> => Number(/(\d+)s\b/.exec(await cell.innerText())?.[1]);
    const waiting = activity.getByText(/^Waiting for the model's first answer… \(started \d+s ago\)$/);
    const [firstDuration, firstWaiting] = [await seconds(duration), await seconds(waiting)];
    await duration.filter({ hasText: new RegExp(`^(?!${firstDuration}s$)\\d+s$`) }).waitFor();
    await activity.getByText(new RegExp(`^Waiting for the model's first answer… \\(started (?!${firstWaiting}s)\\d+s ago\\)$`)).waitFor();
    assert.ok((await seconds(duration)) > firstDuration && (await seconds(waiting)) > firstWaiting, 'both count up');
    const changed = await page.evaluate<string[]>('[...window.__changed]');
    assert.deepEqual(changed.filter((c) => !c.startsWith('<dd>') && !c.startsWith('<p class="muted"')), [], 'only the duration and the waiting line changed');
    await page.screenshot({ path: screenshotPath('dashboard-attempt-waiting-1280.png'), fullPage: true });

    // The first answer replaces the waiting line.
    await run.log.append({ type: 'attempt.activity', attemptId: 'PRD-1/T2#1', activity: { kind: 'text', text: 'First words from the model' } });
    await activity.getByText('First words from the model').waitFor();
    assert.equal(await activity.getByText(/Waiting for the model/).count(), 0);

    // The PRD's task table counts the running task's time up too.
    await page.goto(`${run.server.url}#/prd/PRD-1`);
    await page.getByRole('heading', { level: 1, name: 'PRD-1' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'T2: Task T2' }) });
    const time = row.getByRole('cell').last();
    const before = Number(/^(\d+)s$/.exec((await time.innerText()).trim())?.[1]);
    assert.ok(Number.isInteger(before), 'a running task shows whole seconds');
    await time.filter({ hasText: new RegExp(`^(?!${before}s$)\\d+s$`) }).waitFor();
    assert.ok((await seconds(time)) > before, 'the running task\'s time counts up');
    await page.screenshot({ path: screenshotPath('dashboard-prd-live-1280.png'), fullPage: true });

    // Once nothing runs, the clock stops and the page stays still.
    let last = 0;
    for (const attemptId of ['PRD-1/T2#1', 'PRD-2/T1#1']) {
      last = (await run.log.append({ type: 'attempt.finished', attemptId, outcome: 'succeeded', costUsd: 0.01, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 })).seq;
    }
    await page.getByText(`event ${last}`, { exact: false }).waitFor();
    await page.evaluate('window.__mutations = 0; new MutationObserver((r) => (window.__mutations += r.length)).observe(document.body, { childList: true, subtree: true, characterData: true }); window.__ticks = 0; setInterval(() => window.__ticks++, 1000)');
    // Three ticks' time passes on the page's clock at once, firing any timer still set (the witness's too).
    await page.clock.runFor(3000);
    assert.equal(await page.evaluate('window.__ticks'), 3, 'the page saw three seconds pass');
    assert.equal(await page.evaluate('window.__mutations'), 0, 'no tick once nothing runs');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('run selector at 390 px: its whole label fits; it follows the run to its end; a stopped server is said plainly', async () => {
    const { page, problems } = await openPage(390);
    const picker = page.getByRole('combobox', { name: 'Run' });
    assert.equal(await picker.locator('option:checked').innerText(), `${RUN_ID} (running)`);
    const room = (await pickerRoom(page)) as number;
    assert.ok(room >= 0, `the run label is clipped by ${-room} px at 390 px`);
    assert.equal(await overflow(page), 0, 'the header fits 390 px');
    await page.screenshot({ path: screenshotPath('dashboard-run-picker-390.png') });

    // The run index still says running; the folded run says cancelled, and the selector agrees.
    await run.log.append({ type: 'run.finished', state: 'cancelled' });
    await page.locator('.summary [data-state="cancelled"]').waitFor();
    await picker.locator('option:checked', { hasText: `${RUN_ID} (cancelled)` }).waitFor({ state: 'attached' });

    // orch run exits with its run: the page says the run is over rather than "reconnecting".
    await run.server.close();
    const status = page.getByRole('status').filter({ hasText: 'server stopped' });
    await status.waitFor();
    assert.equal((await status.innerText()).replace(/^■/, '').trim(), 'Run cancelled · server stopped; the page shows the final state');
    assert.equal(await page.getByText('reconnecting').count(), 0);
    assert.equal(await overflow(page), 0, 'the header still fits 390 px');
    await page.screenshot({ path: screenshotPath('dashboard-server-stopped-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: screenshotPath('dashboard-server-stopped-1280.png'), fullPage: true });
    // The page keeps retrying in the background; a refused socket is the only console error allowed.
    assert.deepEqual(problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(p)), []);
    await page.close();
  });
});
