import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AgentDefinition } from '../agents/agent-types';
import { defaultConfig } from '../config/orch-config';
import type { AttemptRunner } from '../engine/engine-context';
import { EventLog } from '../events/event-log';
import { workspacePaths } from '../workspace/workspace-paths';
import { useTempDir } from '../../../test/support/temp-dir';
import type { AttemptRequest } from '../runner/attempt-request';
import { consultAgent } from './consult-agent';

function agent(name: string, model = 'haiku'): AgentDefinition {
  return { name, description: '', prompt: `You are ${name}.`, tools: undefined, model, provider: 'claude', team: undefined, phases: [], maxParallel: undefined, budgetUsd: undefined, extra: {}, source: `${name}.md`, origin: 'builtin', overrides: [] };
}

describe('consultAgent', () => {
  const dir = useTempDir('orch-consult-unit-');

  it('runs consults at once, read-only, in the asker\'s worktree, and records each with its cost', async () => {
    const log = await EventLog.open(join(dir.path, 'events.jsonl'), 'run-1');
    const requests: AttemptRequest[] = [];
    const release: (() => void)[] = [];
    // Each consult's attempt ends only once both have started: the two run at the same time.
    const runner: AttemptRunner = async (request, emit) => {
      requests.push(request);
      await new Promise<void>((resolve) => {
        release.push(resolve);
        if (release.length === 2) for (const r of release) r();
      });
      emit({ type: 'attempt.activity', attemptId: request.attemptId, activity: { kind: 'text', text: `answer to ${request.prompt}` } });
      return { outcome: 'succeeded', costUsd: 0.01, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 5 };
    };
    const agents = new Map([['qa-engineer', agent('qa-engineer')], ['architect', agent('architect', 'inherit')]]);
    const ctx = {
      log,
      runners: { claude: runner, openai: runner },
      registry: { version: 1, agents, invalid: [], teams: new Map(), warnings: [], phases: [] },
      assignments: new Map(),
      env: {},
      runId: 'run-1',
      claudePath: 'claude',
      paths: workspacePaths(dir.path),
      signal: new AbortController().signal,
      config: defaultConfig,
    };
    const asker = { taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', cwd: '/wt/PRD-1-T1', model: 'sonnet' };
    const [a, b] = await Promise.all([consultAgent(ctx, asker, 'qa-engineer', 'Q1?'), consultAgent(ctx, asker, 'architect', 'Q2?')]);
    assert.deepEqual([a, b], [{ text: 'qa-engineer answers:\nanswer to Q1?' }, { text: 'architect answers:\nanswer to Q2?' }]);
    assert.deepEqual(requests.map((r) => [r.cwd, r.allowedTools.join(','), r.orchTools, r.model]), [
      ['/wt/PRD-1-T1', 'Read,Grep,Glob', false, 'haiku'],
      ['/wt/PRD-1-T1', 'Read,Grep,Glob', false, 'sonnet'],
    ]);
    const finished = log.events.filter((e) => e.type === 'consult.finished');
    assert.deepEqual(finished.map((e) => e.type === 'consult.finished' && [e.agent, e.outcome, e.costUsd]), [['qa-engineer', 'succeeded', 0.01], ['architect', 'succeeded', 0.01]]);
    assert.equal(log.events.some((e) => e.type === 'attempt.activity'), false, "a consult's activity stays out of the log");

    const unknown = await consultAgent(ctx, asker, 'qa', 'Q?');
    assert.deepEqual(unknown, { text: 'unknown agent "qa"; the agents you can consult are: architect, qa-engineer', isError: true });
    await log.close();
  });
});
