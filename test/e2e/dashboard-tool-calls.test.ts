// A real run's tool calls on the dashboard, read the way a person reads them: the real claude CLI
// writes, edits and runs a command against the scripted model, Orch verifies and merges the work,
// and Chromium reads the attempt and task pages the server builds from that run's log.

import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { textReply } from '../../src/scripted-model/reply';
import { absolutePath, steps, useTool, writeTool } from '../../src/scripted-model/scenarios';
import { gitOk } from '../../src/orchestrator/engine/git';
import type { DashboardServer } from '../../src/server/dashboard-server';
import type { Activity } from '../../src/protocol/events';
import { sampleRunEvents, startTestServer } from '../integration/server-harness';
import { screenshotPath, useChromium } from '../support/chromium';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const HOSTILE = '<img src=x onerror="window.__xss=1">';
const APP = 'const a = 1;\nconst b = 2;\nexport { a, b };\n';
const COMMAND = "wc -l src/app.ts && printf '\\000\\001\\377' > logo.bin";

const scenario = steps(
  [
    writeTool('src/app.ts', APP),
    useTool('Edit', (r) => ({ file_path: absolutePath('src/app.ts', r), old_string: 'const b = 2;', new_string: 'const b = 3;\nconst c = 4;' })),
    useTool('Bash', { command: COMMAND, description: 'Count the lines and add a binary file' }),
    writeTool('page.html', `${HOSTILE}\n`),
  ],
  textReply('Done: src/app.ts, logo.bin and page.html.'),
);

describe('dashboard in a real browser: a real run\'s tool calls and changed files', function () {
  this.timeout(120_000);
  const tmp = useTempDir('orch-e2e-tools-');
  const chromiumSuite = useChromium();

  it('shows Write highlighted, Edit as a diff, Bash with its output, raw input on request, and the merge\'s line counts as git counts them', async () => {
    const fixture = await engineFixture(tmp.path, { 'w.md': prd('PRD-W', [{ id: 'T1', file: 'src/app.ts' }]) }, scenario);
    let server: DashboardServer | undefined;
    let page: Page | undefined;
    try {
      const outcome = await fixture.run();
      assert.equal(outcome.snapshot.tasks['PRD-W/T1']?.state, 'verified', JSON.stringify(outcome.snapshot.tasks['PRD-W/T1']));
      assert.ok(outcome.integrationBranch !== undefined);
      // What git says the task changed: the one merge on the integration branch.
      const numstat = (await gitOk(fixture.workspace, ['diff', '--numstat', `${outcome.integrationBranch}^1`, outcome.integrationBranch])).trim().split('\n');
      const expected = numstat.map((line) => {
        const [added, removed, file] = line.split('\t');
        return added === '-' ? [file, 'binary'] : [file, `+${added}`, `-${removed}`];
      });
      assert.deepEqual(expected.map((row) => row[0]).sort(), ['logo.bin', 'page.html', 'src/app.ts']);

      server = await startTestServer(fixture.workspace);
      const opened = await openDashboardPage(chromiumSuite.browser(), server, 1280);
      page = opened.page;
      const main = page.getByRole('main');
      await page.getByRole('heading', { level: 1, name: 'Test roadmap' }).waitFor();
      await page.goto(`${server.url}#/attempt/${encodeURIComponent('PRD-W/T1#1')}`);
      await page.getByRole('heading', { level: 1, name: 'T1 attempt #1' }).waitFor();
      await main.getByText('succeeded').first().waitFor();

      // Write: the path, and the content highlighted as TypeScript (highlight.js's classes).
      const write = main.locator('.tool-write', { has: page.locator('.tool-target', { hasText: /^src\/app\.ts$/ }) });
      await write.waitFor();
      assert.equal(await write.locator('code.hljs').innerText(), APP);
      assert.ok((await write.locator('code.hljs span.hljs-keyword').count()) >= 3, 'const and export are highlighted as keywords');
      await write.getByText(/File created successfully at: .*\/src\/app\.ts/).waitFor();

      // Edit: removed and added lines, each with its sign as text and its own class (colour).
      const edit = main.locator('.tool-edit');
      assert.equal(await edit.locator('.tool-target').innerText(), 'src/app.ts', 'paths relative to the task\'s worktree');
      assert.match(await edit.locator('.tool-target').getAttribute('title') ?? '', /\/\.orch\/worktrees\/PRD-W-T1\/src\/app\.ts$/);
      const rows = edit.locator('.diff-row');
      assert.deepEqual((await rows.allInnerTexts()).map((t) => t.trimEnd()), ['-const b = 2;', '+const b = 3;', '+const c = 4;']);
      assert.deepEqual(await rows.evaluateAll((els: Element[]) => els.map((el) => el.className.replace('diff-row', '').trim())), ['diff-del', 'diff-add', 'diff-add']);
      assert.equal((await edit.locator('.line-counts').innerText()).trim(), '+2 -1');

      // Bash: the description, the command, its output (matched by tool-use id) and its exit status.
      const bash = main.locator('.tool-bash');
      await bash.getByText('Count the lines and add a binary file', { exact: true }).waitFor();
      assert.equal(await bash.locator('pre.command').innerText(), `$ ${COMMAND}`);
      await bash.getByText(/^4 src\/app\.ts$/).waitFor();
      assert.equal((await bash.locator('.exit-status').innerText()).trim(), '✓ exit 0');

      // The raw input JSON only on request.
      const rawCommand = page.getByText(/"command": "wc -l/);
      assert.equal(await rawCommand.isVisible(), false, 'raw JSON is hidden until asked for');
      await bash.locator('details.raw > summary').click();
      await rawCommand.waitFor();

      // The agent's markup written to a file is shown as (highlighted) text and never runs.
      const hostile = main.locator('.tool-write', { has: page.locator('.tool-target', { hasText: /^page\.html$/ }) });
      assert.equal(await hostile.locator('code.hljs').innerText(), `${HOSTILE}\n`);
      assert.ok((await hostile.locator('code.hljs .hljs-tag').count()) > 0);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      assert.equal(await page.evaluate('window.__xss'), undefined);
      await page.screenshot({ path: screenshotPath('tool-calls-attempt-1280.png'), fullPage: true });

      // The task page lists the merge's files with git's counts, and the totals.
      await page.goto(`${server.url}#/task/${encodeURIComponent('PRD-W/T1')}`);
      await page.getByRole('heading', { level: 1, name: 'T1: Make src/app.ts' }).waitFor();
      const table = main.getByRole('table', { name: /Changed files/ });
      const shown = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((c) => (c.textContent ?? '').trim())));
      assert.deepEqual(shown.sort(), expected.sort());
      const added = numstat.reduce((sum, line) => sum + (Number(line.split('\t')[0]) || 0), 0);
      const removed = numstat.reduce((sum, line) => sum + (Number(line.split('\t')[1]) || 0), 0);
      assert.deepEqual(await table.locator('tfoot td').allInnerTexts(), [`+${added}`, `-${removed}`]);
      await page.screenshot({ path: screenshotPath('tool-calls-task-1280.png'), fullPage: true });

      // Phone width: both pages fit without sideways scrolling.
      const overflow = () => page!.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      await page.setViewportSize({ width: 390, height: 844 });
      assert.equal(await overflow(), 0, 'task page fits 390 px');
      await page.screenshot({ path: screenshotPath('tool-calls-task-390.png'), fullPage: true });
      await page.goBack();
      await page.getByRole('heading', { level: 1, name: 'T1 attempt #1' }).waitFor();
      await main.locator('.tool-edit .diff-row').first().waitFor();
      assert.equal(await overflow(), 0, 'attempt page fits 390 px');
      await page.screenshot({ path: screenshotPath('tool-calls-attempt-390.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: screenshotPath('tool-calls-attempt-390-dark.png'), fullPage: true });
      assert.deepEqual(opened.problems, [], 'no page error, console error or refused style');
    } finally {
      await page?.close();
      await server?.close();
      await fixture.model.close();
    }
  });
});

const CUT = '/ws/.orch/runs/run-tools/artifacts/PRD-1-T2-1.001-Write-input.txt';
const activity = (a: Activity) => ({ type: 'attempt.activity' as const, attemptId: 'PRD-1/T2#1', activity: a });

describe('dashboard in a real browser: every kind of tool call, from a log', function () {
  const run = useDashboardRun('orch-e2e-tool-kinds-', 'run-tools', () => [
    ...sampleRunEvents(),
    // Written before Orch counted lines: the task page lists the files alone.
    { type: 'task.merged', taskId: 'PRD-1/T1', branch: 'orch/run-tools/PRD-1-T1', files: ['src/a.ts', 'README.md'] },
    activity({ kind: 'tool-call', toolUseId: 'w1', name: 'Write', input: { file_path: '/ws/.orch/worktrees/PRD-1-T2/big.py', content: 'print(1)… [5000 more characters]' }, truncated: CUT }),
    activity({ kind: 'tool-call', toolUseId: 'm1', name: 'MultiEdit', input: { file_path: '/ws/.orch/worktrees/PRD-1-T2/a.go', edits: [{ old_string: 'a := 1', new_string: 'a := 2' }, { old_string: 'x\ny', new_string: 'x', replace_all: true }] } }),
    activity({ kind: 'tool-result', toolUseId: 'm1', isError: false, text: 'Applied 2 edits' }),
    activity({ kind: 'tool-call', toolUseId: 'b1', name: 'Bash', input: { command: 'npm test' } }),
    activity({ kind: 'tool-result', toolUseId: 'b1', isError: true, text: 'Exit code 2\nFAIL one' }),
    activity({ kind: 'tool-call', toolUseId: 'r1', name: 'Read', input: { file_path: '/ws/.orch/worktrees/PRD-1-T2/src/app.ts', offset: 10 } }),
    activity({ kind: 'tool-result', toolUseId: 'r1', isError: false, text: 'first line read\nsecond line read' }),
    activity({ kind: 'tool-call', toolUseId: 'p1', name: 'mcp__orch__report_progress', input: { percent: 40, note: 'halfway' } }),
    activity({ kind: 'tool-result', toolUseId: 'p1', isError: false, text: 'recorded' }),
    activity({ kind: 'tool-call', toolUseId: 'g1', name: 'Grep', input: { pattern: 'TODO', path: 'src' } }),
  ]);

  it('says when an input was cut, shows MultiEdit and a failed command, folds lookups, sums up other tools', async () => {
    const { page, problems } = await openDashboardPage(run.browser(), run.server, 1280);
    const main = page.getByRole('main');
    await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
    await page.goto(`${run.server.url}#/attempt/${encodeURIComponent('PRD-1/T2#1')}`);
    await page.getByRole('heading', { level: 1, name: 'T2 attempt #1' }).waitFor();
    // One list item per log entry: a result shown inside its call keeps its own (hidden) place.
    assert.equal(await main.locator('.activity-list > li').count(), 10);
    assert.equal(await main.locator('.activity-list > li:visible').count(), 6);

    const write = main.locator('.tool-write');
    await write.getByText(`(input cut for the log: the whole input is in ${CUT})`).waitFor();
    assert.equal(await write.locator('.tool-target').innerText(), 'big.py');
    assert.ok((await write.locator('code.hljs .hljs-built_in').count()) > 0, 'highlighted as Python');

    const multi = main.locator('.tool-edit');
    assert.deepEqual(await multi.locator('.edit-note').allInnerTexts(), ['Edit 1', 'Edit 2, every occurrence']);
    assert.deepEqual((await multi.locator('.diff-row').allInnerTexts()).map((t) => t.trimEnd()), ['-a := 1', '+a := 2', ' x', '-y']);
    await multi.getByText('Applied 2 edits').waitFor();

    const bash = main.locator('.tool-bash');
    assert.equal((await bash.locator('.exit-status').innerText()).trim(), '✗ exit 2');
    await bash.getByText('FAIL one').waitFor();
    assert.equal(await bash.getByText('Exit code 2').count(), 0, 'the status line is not repeated as output');

    const read = main.locator('.tool-lookup', { hasText: 'src/app.ts' });
    assert.match(await read.locator('.tool-head').innerText(), /Read\s+src\/app\.ts\s+from line 10/i);
    const readText = read.getByText('first line read', { exact: false });
    assert.equal(await readText.isVisible(), false, 'a lookup\'s result is folded');
    await read.locator('details.tool-result > summary').click();
    await readText.waitFor();
    const grep = main.locator('.tool-lookup', { hasText: 'TODO' });
    assert.match(await grep.innerText(), /Grep\s+TODO\s+path src/i);
    assert.equal(await grep.locator('details.tool-result').count(), 0, 'no result yet');

    const mcp = main.locator('.tool-summary');
    assert.equal(await mcp.locator('.tool-target').innerText(), 'orch: report progress');
    await mcp.getByText('percent 40 · note halfway').waitFor();
    await page.screenshot({ path: screenshotPath('tool-kinds-attempt-1280.png'), fullPage: true });

    await page.goto(`${run.server.url}#/task/${encodeURIComponent('PRD-1/T1')}`);
    await page.getByRole('heading', { level: 1, name: 'T1: Task T1' }).waitFor();
    const table = main.getByRole('table', { name: /Changed files/ });
    assert.deepEqual(await table.locator('tbody th').allInnerTexts(), ['src/a.ts', 'README.md']);
    assert.deepEqual(await table.locator('tbody td').allInnerTexts(), ['–', '–', '–', '–']);
    await main.getByText('This run\'s log predates line counts: files only.').waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });
});
