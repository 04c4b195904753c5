// A real run's tool calls on the dashboard, read the way a person reads them: the real claude CLI
// writes, edits and runs a command against the scripted model, Orch verifies and merges the work,
// and Chromium reads the attempt and task pages the server builds from that run's log.

import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { textReply } from '../../src/scripted-model/reply';
import { absolutePath, steps, useTool, writeTool } from '../../src/scripted-model/scenarios';
import { gitOk } from '../../src/orchestrator/engine/git';
import type { DashboardServer } from '../../src/server/dashboard-server';
import { startTestServer } from '../integration/server-harness';
import { screenshotPath, useChromium } from '../support/chromium';
import { openDashboardPage } from '../support/dashboard-page';
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
      assert.deepEqual(await rows.evaluateAll((els) => els.map((el) => el.className.replace('diff-row', '').trim())), ['diff-del', 'diff-add', 'diff-add']);
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
      assert.deepEqual(opened.problems, [], 'no page error, console error or refused style');
    } finally {
      await page?.close();
      await server?.close();
      await fixture.model.close();
    }
  });
});
