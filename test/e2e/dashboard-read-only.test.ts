import { strict as assert } from 'node:assert';
import { dirname, resolve } from 'node:path';
import { createToken, tokensFile } from '../../src/orchestrator/tokens/token-store';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import { sampleRunEvents } from '../integration/server-harness';
import { openDashboardPage, useDashboardRun } from '../support/dashboard-page';

describe('dashboard in a real browser with a read token', function () {
  const run = useDashboardRun('orch-e2e-read-', 'run-1', sampleRunEvents);

  it('shows the run with no controls and says Read-only; the control token shows Cancel run', async () => {
    // The log is <workspace>/.orch/runs/run-1/events.jsonl.
    const workspace = resolve(dirname(run.log.file), '../../..');
    const { token } = await createToken(tokensFile(workspacePaths(workspace)), { name: 'viewer', scope: 'read' });
    const { page, problems } = await openDashboardPage(run.browser(), { ...run.server, token }, 1280);
    try {
      await page.getByRole('heading', { level: 1, name: 'Test' }).waitFor();
      await page.getByText('Read-only', { exact: true }).waitFor();
      await page.getByText('PRD-1', { exact: false }).first().waitFor();
      assert.equal(await page.getByRole('button', { name: 'Cancel run…' }).count(), 0, 'a read token gets no cancel button');
      assert.equal(await page.locator('.run-controls').count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
    // The same page with the server's own token: the control is there, so its absence above meant something.
    const control = await openDashboardPage(run.browser(), run.server, 1280);
    try {
      await control.page.getByRole('button', { name: 'Cancel run…' }).waitFor();
      assert.equal(await control.page.getByText('Read-only', { exact: true }).count(), 0);
    } finally {
      await control.page.close();
    }
  });
});
