import assert from 'node:assert/strict';
import type { Prd } from '../../protocol/domain';
import { task } from '../../../test/support/builders';
import { taskPrompt } from './task-prompt';

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

  it('tells the agent that Orch starts and stops the dev server of a browser check', () => {
    const mine = task('PRD-1', 'T1', {
      verify: [{ kind: 'browser', url: 'http://127.0.0.1:5173/', expect: 'Orders', serve: 'npm run dev' }],
    });
    const prompt = taskPrompt(mine, prdOf(mine));
    assert.match(prompt, /http:\/\/127\.0\.0\.1:5173\/ loads in a browser and shows "Orders" \(Orch starts `npm run dev` first/);
  });
});
