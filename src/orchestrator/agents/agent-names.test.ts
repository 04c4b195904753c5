import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { assignAgents } from '../engine/assign-agents';
import { loadPlan } from '../plan/load-plan';
import { buildSnapshot } from './build-snapshot';
import { TestWorkspace } from '../../../test/support/agents-workspace';

// Claude Code loads `name: Code Reviewer` as the agent "Code Reviewer"; Orch names it the same way
// everywhere: the registry, teams.yaml, and a PRD task's `agent:`.
describe('an agent whose name has spaces and capitals', () => {
  let ws: TestWorkspace;
  beforeEach(() => {
    ws = new TestWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('is registered, joins a team and takes the tasks that name it, all by the name as written', async () => {
    ws.writeAgent(ws.claudeDir, 'code-reviewer.md', ['name: Code Reviewer', 'description: Reviews diffs.', 'tools: Read, Grep', 'phases: [qa]']);
    ws.write(ws.teamsFile, 'review: [Code Reviewer]\n');
    const roadmapFile = ws.write(join(ws.workspace, 'roadmap.md'), '## Phase 1: Build\n### 1.1 Feature\n- a feature\n');
    ws.write(
      join(ws.workspace, '.orch', 'prds', 'prd-1.md'),
      '---\nid: PRD-1\nmilestone: "1.1"\ntitle: Feature\ntasks:\n  - id: T1\n    title: Review the diff\n    description: Read it.\n    agent: Code Reviewer\n---\n',
    );
    const { snapshot } = await buildSnapshot({ ...ws, phases: DEFAULT_PHASES }, undefined);
    assert.deepEqual(snapshot.invalid, []);
    assert.equal(snapshot.agents.get('Code Reviewer')?.description, 'Reviews diffs.');
    assert.deepEqual(snapshot.teams.get('review'), ['Code Reviewer']);
    const roadmap = await loadPlan({ roadmapFile, workspaceDir: ws.workspace });
    const assignment = assignAgents(roadmap, [], snapshot).get('PRD-1/T1');
    assert.deepEqual([assignment?.agent.name, assignment?.phase], ['Code Reviewer', 'qa']);
  });
});
