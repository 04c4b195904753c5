import { strict as assert } from 'node:assert';
import { runTree } from '../../src/extension/model/run-tree';
import type { NewEvent } from '../../src/protocol/events';
import type { DefectOwner } from '../../src/protocol/events-defects';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { roadmapWith, sequenced, task } from '../support/builders';

const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'P', tasks: [task('P', 'T1'), task('P', 'T2')] } }]);
const owner: DefectOwner = { agent: 'backend-engineer', model: 'haiku' };

function run(more: NewEvent[]): RunSnapshot {
  const state = foldEvents(sequenced('r1', [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap }, ...more]));
  assert.ok(state);
  return state;
}

describe('VS Code tree: the Defects node', () => {
  it('has no Defects node while the run has none', () => {
    assert.ok(!runTree(run([]))[0]!.children.some((c) => c.kind === 'defects'));
  });

  it('lists open defects first with severity, state, task, owner and times; settled ones after', () => {
    const tree = runTree(
      run([
        { type: 'defect.opened', defectId: 'D1', taskId: 'P/T1', attemptId: 'P/T1#1', source: 'review', severity: 'minor', category: 'requirements', owner, summary: 'farewell() is missing', findings: [{ text: 'add farewell()', file: 'greet.js', line: 2 }] },
        { type: 'task.verified', taskId: 'P/T1', checks: [], basis: 'reviewed' },
        { type: 'defect.opened', defectId: 'D2', taskId: 'P/T2', attemptId: 'P/T2#1', source: 'check', severity: 'critical', category: 'failing-tests', owner, summary: 'command npm test: exit 1' },
      ]),
    );
    const node = tree[0]!.children.find((c) => c.kind === 'defects');
    assert.ok(node !== undefined);
    assert.deepEqual([node.label, node.description, node.expanded], ['Defects', '1 open of 2 · resolution 1.0 s mean', true]);
    assert.deepEqual(node.children.map((c) => [c.id, c.description, c.state]), [
      ['defect:D2', 'critical · open · P/T2', 'open'],
      ['defect:D1', 'minor · verified · P/T1', 'verified'],
    ]);
    const tooltip = node.children[1]!.tooltip ?? '';
    for (const line of ['Owner: backend-engineer on haiku', '- greet.js:2: add farewell()', 'Detected in -; resolved in 1.0 s']) assert.ok(tooltip.split('\n').includes(line), tooltip);
    assert.equal(node.children[0]!.icon?.id, 'bug');
  });
});
