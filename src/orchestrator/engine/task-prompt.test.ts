import assert from 'node:assert/strict';
import type { Milestone, Prd } from '../../protocol/domain';
import { task } from '../../../test/support/builders';
import { MAX_PRD_BODY_CHARS, reworkPrompt, taskPrompt } from './task-prompt';

function prdOf(...tasks: Prd['tasks']): Prd {
  return { id: 'PRD-1', milestoneId: '0.1', title: 'Orders', body: '', source: { file: 'prd.md', line: 1 }, tasks };
}

describe('taskPrompt', () => {
  it('carries its own description verbatim and only the titles of the other tasks', () => {
    const mine = task('PRD-1', 'T1', { title: 'Build the page', description: 'Render the orders table with totals.' });
    const other = task('PRD-1', 'T2', { title: 'Write the API', description: 'SECRET BRIEF for the backend agent' });
    const prompt = taskPrompt(mine, prdOf(mine, other));
    assert.match(prompt, /Render the orders table with totals\./);
    assert.match(prompt, /- T2: Write the API/);
    assert.doesNotMatch(prompt, /SECRET BRIEF/);
  });

  it('states a cap under a cent as it is, not as $0.00', () => {
    const t1 = task('PRD-1', 'T1');
    const prompt = taskPrompt(t1, prdOf(t1), { capUsd: 0.004 });
    assert.match(prompt, /stopped after \$0\.0040 of model cost/);
  });

  it('tells the agent that Orch starts and stops the dev server of a browser check', () => {
    const mine = task('PRD-1', 'T1', {
      verify: [{ kind: 'browser', url: 'http://127.0.0.1:5173/', expect: 'Orders', serve: 'npm run dev' }],
    });
    const prompt = taskPrompt(mine, prdOf(mine));
    assert.match(prompt, /http:\/\/127\.0\.0\.1:5173\/ loads in a browser and shows "Orders" \(Orch starts `npm run dev` first/);
  });

  it('names the engines, the viewport and the steps a browser check will take', () => {
    const mine = task('PRD-1', 'T1', {
      verify: [{ kind: 'browser', url: 'site/index.html', browsers: ['firefox', 'webkit'], viewport: { width: 390, height: 844 }, steps: [{ click: '#save' }, { expect: { text: 'Saved' } }] }],
    });
    assert.match(taskPrompt(mine, prdOf(mine)), /site\/index\.html loads in a browser, in firefox, webkit, at 390x844, then these steps pass in order: click "#save"; expect text "Saved"/);
  });
});

describe('taskPrompt with the run around it', () => {
  const milestone: Milestone = {
    id: '0.2',
    phaseId: '1',
    title: 'Orders',
    focus: 'the orders page',
    features: ['A table of orders'],
    successMetrics: ['Totals match the API'],
    prds: [],
    source: { file: 'roadmap.md', line: 3 },
  };

  it('carries the PRD body and path, the milestone goals, what dependencies merged and said, the worktree, the limits and the tools', () => {
    const t1 = task('PRD-1', 'T1', { title: 'Write the API', description: 'SECRET BRIEF of T1' });
    const t2 = task('PRD-1', 'T2', { title: 'Build the page', depends: ['T1'] });
    const prd = { ...prdOf(t1, t2), body: '# Orders\n\nShop staff see every open order.' };
    const prompt = taskPrompt(t2, prd, {
      prdFile: '/w/.orch/prds/PRD-1.md',
      milestone,
      dependencies: [{ id: 'T1', title: 'Write the API', files: ['src/api.ts', 'src/api.test.ts'], summary: 'Added GET /orders returning {id,total}.' }],
      worktree: { branch: 'orch/r1/PRD-1-T2', integrationBranch: 'orch/r1/integration', setupNote: 'The setup command `npm ci` already ran in this worktree.' },
      timeoutSec: 1800,
      capUsd: 0.5,
      orchTools: true,
    });
    assert.match(prompt, /## The PRD \(the file \/w\/\.orch\/prds\/PRD-1\.md\)\n\n# Orders\n\nShop staff see every open order\./);
    assert.match(prompt, /Focus: the orders page\nFeatures:\n- A table of orders\nSuccess metrics:\n- Totals match the API/);
    assert.match(prompt, /What T1 \(Write the API\) merged: src\/api\.ts, src\/api\.test\.ts\./);
    assert.match(prompt, /> Added GET \/orders returning \{id,total\}\./);
    assert.match(prompt, /branch `orch\/r1\/PRD-1-T2`, checked out fresh from `orch\/r1\/integration`/);
    assert.match(prompt, /The setup command `npm ci` already ran in this worktree\. Do not install again/);
    assert.match(prompt, /stopped after 30 minutes of wall-clock time or \$0\.50 of model cost/);
    for (const tool of ['mcp__orch__report_progress', 'mcp__orch__attach_evidence', 'mcp__orch__report_no_change', 'mcp__orch__send_message', 'mcp__orch__ask_person']) assert.ok(prompt.includes(tool), tool);
    assert.doesNotMatch(prompt, /SECRET BRIEF/);
  });

  it('cuts a very long PRD body and points at the file for the rest', () => {
    const mine = task('PRD-1', 'T1');
    const prompt = taskPrompt(mine, { ...prdOf(mine), body: `# Big\n\n${'x'.repeat(MAX_PRD_BODY_CHARS * 2)}` }, { prdFile: 'p.md' });
    assert.ok(prompt.length < MAX_PRD_BODY_CHARS + 2_000);
    assert.match(prompt, /more characters in the PRD file/);
  });

});

describe('reworkPrompt', () => {
  const mine = task('PRD-1', 'T1', { title: 'Build the page' });

  it('lists the failed checks with their evidence and where the rest is', () => {
    const prompt = reworkPrompt(mine, {
      reason: '1 of 2 checks failed',
      failed: [{ check: '`npm test` exits 0', passed: false, detail: 'exit 1', evidencePath: '/e/T1-1-command.txt' }],
      evidenceDir: '/e',
      timeoutSec: 90,
    });
    assert.match(prompt, /was not accepted: 1 of 2 checks failed/);
    assert.match(prompt, /stopped after 90 seconds of wall-clock time: finish within that/);
    assert.match(prompt, /- `npm test` exits 0: exit 1 \(evidence: \/e\/T1-1-command\.txt\)/);
    assert.match(prompt, /The full output of every check is in \/e\./);
    assert.doesNotMatch(prompt, /git commit/);
  });

  it('after a merge conflict, says to finish the merge, not abort it', () => {
    const prompt = reworkPrompt(mine, {
      reason: 'merge conflict with work already integrated',
      failed: [{ check: 'merge into the integration branch', passed: false, detail: 'conflicts in: a.txt' }],
      mergeConflicts: ['a.txt'],
    });
    assert.match(prompt, /conflicts in: a\.txt/);
    assert.match(prompt, /Finish that merge, do not abort it/);
    assert.match(prompt, /`git add` the resolved files, then `git commit`/);
  });
});
